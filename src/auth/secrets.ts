/**
 * The one rule for what leaves the server as a secret: API answers, workspace exports and the
 * audit trail all show a configured secret as SECRET_MASK. A value is secret when
 * - its field is named like a credential (password, secret, token, api key, authorization, cookie …),
 * - its field is one a provider declares secret (a robot's `key`, `accessToken` …),
 * - it is any value inside a `headers` object (request headers carry API keys under any name),
 * - it is the credential part of a URL (user:password@, or a key/token/sign query parameter).
 * `${ENV}` references stay visible: they name a secret without holding it.
 */
export const SECRET_MASK = '********';

const SECRET_NAME = /^(pass(word|wd)?|secret|client_secret|token|access_?token|refresh_token|api_?key|apikey|app_?secret|authorization|cookie|private_key|smtp_password|password_hash|push_token(_hash)?|push_token_sha256)$/i;
const HEADERS_NAME = /^headers$/i;
const URL_TOKEN = /([?&](?:key|access_token|token|sign|api_?key|apikey|secret|password)=)[^&#]+/gi;
const URL_USERINFO = /(https?:\/\/)([^/@\s]+)@/gi;

export function isEnvRef(v: unknown): boolean {
  return typeof v === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(v);
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A URL (or a text holding URLs, such as an error message) with user-info and token query parameters masked. */
export function maskUrl(url: string): string {
  return url.replace(URL_USERINFO, `$1${SECRET_MASK}@`).replace(URL_TOKEN, `$1${SECRET_MASK}`);
}

function maskLeaf(v: unknown): unknown {
  if (v === null || v === undefined || v === '' || isEnvRef(v)) return v;
  return SECRET_MASK;
}

/**
 * A deep copy of a configuration (or any record) with every secret masked. `declared` names
 * further fields of this particular kind that are secret.
 */
export function maskSecrets<T>(value: T, declared: readonly string[] = []): T {
  const extra = new Set(declared);
  const walk = (v: unknown, allSecret: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, allSecret));
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (allSecret || extra.has(k) || isSecretName(k)) out[k] = x && typeof x === 'object' ? walk(x, true) : maskLeaf(x);
        else out[k] = walk(x, HEADERS_NAME.test(k));
      }
      return out;
    }
    if (allSecret) return maskLeaf(v);
    if (typeof v === 'string' && v.includes('://')) return maskUrl(v);
    return v;
  };
  return walk(value, false) as T;
}

/**
 * Applies a configuration given back by a person onto the stored one: wherever the given value
 * still holds the mask, the stored value at the same place is kept. Deep, so a masked header
 * keeps its stored value while a changed one replaces it.
 */
export function keepMaskedSecrets<T extends Record<string, unknown>>(stored: Record<string, unknown>, given: T): T {
  const walk = (s: unknown, g: unknown): unknown => {
    if (typeof g === 'string' && g.includes(SECRET_MASK)) {
      if (typeof s !== 'string') return g;
      if (g === SECRET_MASK) return s;
      // A URL shown with its token masked: the stored URL, when the rest of it is unchanged.
      return maskUrl(s) === g ? s : g;
    }
    if (Array.isArray(g)) return g.map((x, i) => walk(Array.isArray(s) ? s[i] : undefined, x));
    if (g && typeof g === 'object') {
      const so = s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
      return Object.fromEntries(Object.entries(g).map(([k, x]) => [k, walk(so[k], x)]));
    }
    return g;
  };
  return walk(stored, given) as T;
}

/** Paths (a.b.c) where a configuration still holds the mask: a secret that was never given. */
export function maskedPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return value.includes(SECRET_MASK) ? [prefix] : [];
  if (Array.isArray(value)) return value.flatMap((x, i) => maskedPaths(x, [...prefix, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, x]) => maskedPaths(x, [...prefix, k]));
  return [];
}
