/** Messages of the assistance (src/assist): the optional language model's errors, as people read them. */
export default {
  'assist.error.auth': '模型服务拒绝了访问密钥（HTTP {status}）。请系统管理员在“辅助”设置中核对模型服务地址和密钥。',
  'assist.error.quota': '模型服务的额度已用完或账户余额不足。请联系模型服务商充值，或由系统管理员改用本地模型。',
  'assist.error.rate_limit': '模型服务繁忙（请求过于频繁），已多次重试仍未成功。请稍后再试。',
  'assist.error.context_length': '发送的内容超出了模型能处理的长度。请减少所选信息的数量，或改用上下文更长的模型。',
  'assist.error.server': '模型服务出错，已多次重试仍未成功。请稍后再试，或请系统管理员检查模型服务。',
  'assist.error.timeout': '模型服务在 {seconds} 秒内没有应答，已多次重试仍未成功。请稍后再试，或请系统管理员检查模型服务。',
  'assist.error.network': '无法连接模型服务，已多次重试仍未成功。请系统管理员检查模型服务地址和网络。',
  'assist.error.bad_answer': '模型的回答格式不符合要求，已要求其更正仍未通过，本次结果不予显示。请重试。',
} as const;
