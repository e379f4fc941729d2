import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { normaliseHost } from './allowlist.ts';
import { assertOutboundAllowed, type OutboundPolicy } from './policy.ts';

export interface CheckedAddress {
  /** The checked IP to connect to. */
  address: string;
  /** The name to present for TLS (SNI and certificate check); undefined for an IP literal. */
  servername: string | undefined;
}

/**
 * For clients that open their own sockets (SMTP through nodemailer): resolves the host once,
 * checks every address against the policy, and returns the one to connect to. Connect to
 * `address` (never to the name again) and give `servername` to TLS, so that a second DNS
 * answer cannot lead elsewhere. Throws OutboundRefusedError, or the DNS error.
 */
export async function resolveOutboundHost(policy: OutboundPolicy, host: string): Promise<CheckedAddress> {
  const name = normaliseHost(host);
  if (isIP(name)) {
    assertOutboundAllowed(policy, name, name);
    return { address: name, servername: undefined };
  }
  const addresses = await lookup(name, { all: true });
  for (const a of addresses) assertOutboundAllowed(policy, name, a.address);
  return { address: addresses[0].address, servername: name };
}
