import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { normaliseHost } from './allowlist.ts';
import { refusalFor, type OutboundPolicy } from './policy.ts';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect / tls.connect that resolves the name and refuses the connection
 * when any address it resolves to is refused by the policy. The socket then connects to an
 * address that was checked, never to a second answer of the DNS (rebinding).
 */
export function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const refusal = refusalFor(policy, hostname, a.address);
        if (refusal) return callback(refusal, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** IP literals never go through DNS: they are checked here before connecting. */
export function literalRefusal(policy: OutboundPolicy, hostname: string) {
  const host = normaliseHost(hostname);
  return isIP(host) ? refusalFor(policy, host, host) : null;
}

/** An undici connector that applies the policy to every connection of a dispatcher. */
export function guardedConnector(policy: OutboundPolicy, options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: guardedLookup(policy) } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const refusal = literalRefusal(policy, opts.hostname);
    if (refusal) return void callback(refusal, null);
    return connect(opts, callback);
  };
}
