export default {
  'auth.badCredentials': '用户名或密码错误',
  'auth.throttled': '登录失败次数过多，请 {minutes} 分钟后再试',
  'auth.disabled': '该账号已停用，请联系系统管理员',
  'auth.passwordTooShort': '新密码至少需要 {min} 个字符',
  'auth.wrongCurrentPassword': '当前密码不正确',
  'auth.passwordChanged': '密码已修改',
} as const;
