export default {
  'workspace.unknownDepartment': '部门“{code}”不存在',
  'workspace.duplicate': '“{key}”重复出现',
  'workspace.invalid': '工作区配置有误，共 {count} 处错误，未做任何修改',
} as const;
