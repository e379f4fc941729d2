import type { ChannelProvider } from './channels/base.ts';

/** Shown instead of a stored secret (API, workspace export); given back, it keeps the stored value. */
export const SECRET_MASK = '********';

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function isEnvRef(v: unknown): boolean {
  return typeof v === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(v);
}

export class MissingEnvError extends Error {
  constructor(readonly names: string[]) {
    super(`environment variable(s) not set: ${names.join(', ')}`);
  }
}

/** Replaces `${NAME}` references in string values (deeply) with the environment's values. */
export function resolveEnvRefs<T>(value: T, env: NodeJS.ProcessEnv): T {
  const missing: string[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(ENV_REF, (_, name: string) => {
        const got = env[name];
        if (got === undefined) {
          missing.push(name);
          return '';
        }
        return got;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  if (missing.length) throw new MissingEnvError([...new Set(missing)]);
  return out;
}

/** A copy of the config with clear secrets masked; env references stay visible (they hold no secret). */
export function maskSecrets(provider: ChannelProvider | undefined, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const f of provider?.secretFields ?? []) {
    if (out[f] !== undefined && out[f] !== null && !isEnvRef(out[f])) out[f] = SECRET_MASK;
  }
  // A URL may carry a token in its query string (e.g. a pasted robot address).
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string' && /^https?:\/\//.test(v)) out[k] = v.replace(/([?&](?:key|access_token|token|sign)=)[^&]+/gi, `$1${SECRET_MASK}`);
  }
  return out;
}

/** Applies a config given by a person onto the stored one: masked secrets keep their stored value. */
export function mergeSecrets(_provider: ChannelProvider | undefined, stored: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...given };
  for (const [k, v] of Object.entries(given)) {
    if (typeof v === 'string' && v.includes(SECRET_MASK) && typeof stored[k] === 'string') out[k] = stored[k];
  }
  return out;
}
