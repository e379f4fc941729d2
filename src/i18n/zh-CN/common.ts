export default {
  'error.internal': '服务器内部错误，请稍后重试',
  'error.notFound': '未找到请求的内容',
  'error.validation': '提交的内容不符合要求：{detail}',
  'error.unauthenticated': '请先登录',
  'error.forbidden': '您没有权限执行此操作',
  'error.csrf': '安全校验失败（CSRF），请刷新页面后重试',
  'error.conflict': '数据冲突：{detail}',
  'role.admin': '系统管理员',
  'role.office': '舆情管理员',
  'role.responder': '网评员',
  'role.head': '科室负责人',
  'role.leader': '分管领导',
} as const;
