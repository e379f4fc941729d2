import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseAllowList } from './outbound/allowlist.ts';

/** Environment variables that may also be given as a path in `NAME_FILE` (Docker/systemd secrets). */
const SECRET_KEYS = ['DATABASE_URL', 'MINSHENG_ADMIN_PASSWORD', 'MINSHENG_SECRET', 'SMTP_PASSWORD'] as const;

const configSchema = z.object({
  DATABASE_URL: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MINSHENG_ADMIN_PASSWORD: z.string().min(8).optional(),
  MINSHENG_SECRET: z.string().optional(),
  /** Base URL used in alert links (e.g. https://yq.example.gov.cn). */
  MINSHENG_PUBLIC_URL: z.string().url().optional(),
  /**
   * Let every outbound connection (sources, alert channels, SMTP) reach private and loopback
   * addresses (tests, the demo, intranet sites); link-local / cloud-metadata addresses stay refused.
   */
  MINSHENG_ALLOW_PRIVATE_NETWORKS: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** Intranet hosts, addresses and networks (CIDR) that may be reached one by one, e.g. "rsshub.lan, 10.8.0.0/16". */
  MINSHENG_ALLOW_PRIVATE_HOSTS: z
    .string()
    .optional()
    .superRefine((v, c) => {
      try {
        parseAllowList(v);
      } catch (err) {
        c.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** Mark session cookies Secure (set when served behind TLS). */
  MINSHENG_SECURE_COOKIES: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /**
   * Which proxies' X-Forwarded-For to believe (client address for login throttling and the audit
   * trail). Off by default: the address is the TCP peer. `1`/`true` trusts one hop (the proxy in
   * front), a number n trusts n hops, or a comma-separated list of proxy addresses/CIDRs.
   */
  MINSHENG_TRUST_PROXY: z.string().default('').transform(parseTrustProxy),
  SMTP_PASSWORD: z.string().optional(),
  /** Scaled-out mode: a job whose worker died is retried after this many seconds (default per job kind, 300–900). */
  MINSHENG_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(86400).optional(),
  /** Scaled-out mode: how often pg-boss looks for expired jobs. */
  MINSHENG_JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * `serve` runs heavy reads (dashboard, statistics, search) on read threads with their own
   * database connections, off the thread that serves requests (db/read-thread.ts). `0` runs them
   * inline, as before (for comparison, or a machine very short of memory).
   */
  MINSHENG_READ_THREADS: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
});

export type Config = z.infer<typeof configSchema>;

/** Names proxy-addr (Fastify's trustProxy) understands in place of an address. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [addr, bits, extra] = entry.split('/');
  const v = isIP(addr);
  if (!v || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
}

/** MINSHENG_TRUST_PROXY as Fastify's `trustProxy` option: false, a hop count, or trusted proxies. */
export function parseTrustProxy(value: string, ctx: z.RefinementCtx): false | number | string[] {
  const v = value.trim().toLowerCase();
  if (['', '0', 'false', 'off', 'no'].includes(v)) return false;
  if (['true', 'on', 'yes'].includes(v)) return 1;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n <= 10) return n;
    ctx.addIssue({ code: 'custom', message: `at most 10 proxy hops, got ${n}` });
    return z.NEVER;
  }
  const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !isAddressOrCidr(e));
  if (bad.length) {
    ctx.addIssue({ code: 'custom', message: `expected 1/true, a hop count or proxy addresses/CIDRs (e.g. 10.0.0.1,192.168.0.0/16); cannot read: ${bad.join(', ')}` });
    return z.NEVER;
  }
  return entries;
}

export class ConfigError extends Error {}

/** Parses the process environment once; `*_FILE` variants are read for secrets. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const merged: Record<string, string | undefined> = { ...env };
  for (const key of SECRET_KEYS) {
    const file = env[`${key}_FILE`];
    if (file && !env[key]) {
      try {
        merged[key] = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new ConfigError(`cannot read ${key}_FILE (${file}): ${(err as Error).message}`);
      }
    }
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  return parsed.data;
}

/** What the browser may see of the configuration; nothing else is ever sent to it. */
export function publicConfig(config: Config) {
  return { publicUrl: config.MINSHENG_PUBLIC_URL ?? null };
}
