/** Messages of the outbound-address policy (src/outbound): every connection Minsheng opens to an address someone configured. */
export default {
  'outbound.refused.private': '已拒绝连接 {host}：该地址属于内网、本机或保留地址。出于安全考虑，系统默认不访问此类地址；如确需访问内网站点或服务，请系统管理员设置 MINSHENG_ALLOW_PRIVATE_NETWORKS 或 MINSHENG_ALLOW_PRIVATE_HOSTS。',
  'outbound.refused.metadata': '已拒绝连接 {host}：该地址为链路本地地址或云服务器元数据地址，可能泄露服务器凭据，系统不访问此类地址；如确有需要，请系统管理员在 MINSHENG_ALLOW_PRIVATE_HOSTS 中明确列出。',
  'outbound.sourceOptionRemoved': '信息源配置项 allow_private_network 已取消：是否允许访问内网地址由系统管理员统一设置（MINSHENG_ALLOW_PRIVATE_NETWORKS 或 MINSHENG_ALLOW_PRIVATE_HOSTS），请删除该配置项。',
} as const;
