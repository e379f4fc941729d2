export default {
  'auth.badCredentials': '用户名或密码错误',
  'auth.throttled.account': '该账号登录失败次数过多，已暂时锁定，请 {wait}后（北京时间 {until} 之后）再试；在曾经成功登录过的电脑或浏览器上登录不受此限制',
  'auth.throttled.address': '您所在网络地址的登录失败次数过多，请 {wait}后（北京时间 {until} 之后）再试',
  'auth.throttled.device': '在此设备上登录失败次数过多，请 {wait}后（北京时间 {until} 之后）再试',
  'auth.wait.seconds': '{n} 秒',
  'auth.wait.minutes': '{n} 分钟',
  'auth.disabled': '该账号已停用，请联系系统管理员',
  'auth.passwordTooShort': '新密码至少需要 {min} 个字符',
  'auth.wrongCurrentPassword': '当前密码不正确',
  'auth.passwordChanged': '密码已修改',
} as const;
