import { keepMaskedSecrets, maskSecrets as maskConfig } from '../auth/secrets.ts';
import type { ChannelProvider } from './channels/base.ts';

export { isEnvRef, SECRET_MASK } from '../auth/secrets.ts';

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

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

/** A copy of a channel's config with its secrets masked (the provider's secret fields and the general rule). */
export function maskSecrets(provider: ChannelProvider | undefined, config: Record<string, unknown>): Record<string, unknown> {
  return maskConfig(config, provider?.secretFields ?? []);
}

/** Applies a config given by a person onto the stored one: masked secrets keep their stored value. */
export function mergeSecrets(_provider: ChannelProvider | undefined, stored: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  return keepMaskedSecrets(stored, given);
}
