import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { classifyAddress } from './addresses.ts';
import { allowListed, normaliseHost, parseAllowList, type AllowList } from './allowlist.ts';
import { OutboundRefusedError } from './refusal.ts';

/**
 * The one outbound-address policy, for every connection Minsheng opens to an address someone
 * typed in: sources (the collection fetcher), alert channels (robots, webhook, SMTP) and the
 * assist feature's model endpoint. Only the administrator sets it, through the environment:
 * - by default only public addresses are reached;
 * - MINSHENG_ALLOW_PRIVATE_NETWORKS=1 allows private and loopback addresses (intranet, tests,
 *   the offline demo) but still not link-local / cloud-metadata addresses;
 * - MINSHENG_ALLOW_PRIVATE_HOSTS lists intranet hosts and networks allowed one by one; an
 *   address or network listed there is allowed even when it is link-local.
 * Nothing an office user configures (a source, a channel, a test request) can widen it.
 * The check runs on the address actually connected to (see connect.ts), so a public name that
 * resolves to 127.0.0.1 is refused as well (DNS rebinding, SSRF into the intranet).
 */
export interface OutboundPolicy {
  readonly allowPrivate: boolean;
  readonly allowList: AllowList;
  /** Refusals are logged here (English), once per refused connection. */
  readonly log?: Pick<Logger, 'warn'>;
}

export function createOutboundPolicy(opts: { allowPrivate?: boolean; allowHosts?: string; log?: Pick<Logger, 'warn'> } = {}): OutboundPolicy {
  return { allowPrivate: opts.allowPrivate ?? false, allowList: parseAllowList(opts.allowHosts), log: opts.log };
}

const byContext = new WeakMap<object, OutboundPolicy>();

/** The policy of a running process (its parsed config and logger); the same object on every call. */
export function outboundPolicyOf(ctx: { config: Config; log: Logger }): OutboundPolicy {
  let policy = byContext.get(ctx);
  if (!policy) {
    policy = createOutboundPolicy({
      allowPrivate: ctx.config.MINSHENG_ALLOW_PRIVATE_NETWORKS,
      allowHosts: ctx.config.MINSHENG_ALLOW_PRIVATE_HOSTS,
      log: ctx.log.child({ part: 'outbound' }),
    });
    byContext.set(ctx, policy);
  }
  return policy;
}

/**
 * Decides one connection: `host` as written in the URL or config, `address` the IP it is about
 * to connect to. Returns the refusal (already logged) or null when the connection may go ahead.
 */
export function refusalFor(policy: OutboundPolicy, host: string, address: string): OutboundRefusedError | null {
  const cls = classifyAddress(address);
  if (cls === 'public') return null;
  const listed = allowListed(policy.allowList, host, address);
  if (listed.byAddress) return null;
  if (cls === 'private' && (policy.allowPrivate || listed.byHost)) return null;
  const refusal = new OutboundRefusedError(normaliseHost(host), address, cls);
  policy.log?.warn({ host: refusal.host, address, addressClass: cls }, refusal.message);
  return refusal;
}

export function assertOutboundAllowed(policy: OutboundPolicy, host: string, address: string): void {
  const refusal = refusalFor(policy, host, address);
  if (refusal) throw refusal;
}
