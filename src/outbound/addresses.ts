import { isIP } from 'node:net';

/**
 * What kind of address an IP is, for the outbound policy (policy.ts):
 * - `public`: anywhere on the internet;
 * - `private`: loopback, RFC 1918, CGNAT, ULA (fc00::/7), unspecified (0.0.0.0, ::), multicast,
 *   documentation and other reserved ranges — the intranet and the machine itself;
 * - `metadata`: link-local (169.254.0.0/16, fe80::/10) and the clouds' instance-metadata
 *   addresses (169.254.169.254, Alibaba Cloud's 100.100.100.200, AWS's fd00:ec2::254), where
 *   a request can read the machine's cloud credentials.
 * IPv6 forms that carry an IPv4 address (::ffff:127.0.0.1, ::ffff:7f00:1, ::127.0.0.1,
 * 64:ff9b::/96 NAT64, 2002::/16 6to4) are judged by that IPv4 address.
 * Anything that is not an IP address is `private`: an unknown form is never let through.
 */
export type AddressClass = 'public' | 'private' | 'metadata';

type V4Range = readonly [number, number]; // network as a 32-bit number, prefix length

const v4 = (dotted: string, prefix: number): V4Range => [ipv4ToNumber(dotted)!, prefix];

const V4_METADATA: readonly V4Range[] = [v4('169.254.0.0', 16), v4('100.100.100.200', 32)];
const V4_PRIVATE: readonly V4Range[] = [
  v4('0.0.0.0', 8), v4('10.0.0.0', 8), v4('100.64.0.0', 10), v4('127.0.0.0', 8), v4('172.16.0.0', 12),
  v4('192.0.0.0', 24), v4('192.0.2.0', 24), v4('192.88.99.0', 24), v4('192.168.0.0', 16), v4('198.18.0.0', 15),
  v4('198.51.100.0', 24), v4('203.0.113.0', 24), v4('224.0.0.0', 4), v4('240.0.0.0', 4),
];

export function ipv4ToNumber(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function inV4(n: number, [net, prefix]: V4Range): boolean {
  if (prefix === 0) return true;
  const mask = prefix === 32 ? 0xffffffff : (~(0xffffffff >>> prefix)) >>> 0;
  return ((n & mask) >>> 0) === ((net & mask) >>> 0);
}

function classifyV4(n: number): AddressClass {
  if (V4_METADATA.some((r) => inV4(n, r))) return 'metadata';
  if (V4_PRIVATE.some((r) => inV4(n, r))) return 'private';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a zone id such as %eth0 is dropped), or null. */
export function ipv6Groups(ip: string): number[] | null {
  let s = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(s) !== 6) return null;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = ipv4ToNumber(dotted[1]);
    if (n === null) return null;
    s = `${s.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === null ? [] : parse(tail);
  const groups = tail === null ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const v4From = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;

function classifyV6(g: number[]): AddressClass {
  const zeroUpTo = (k: number) => g.slice(0, k).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), ::a.b.c.d (compatible, deprecated)
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(v4From(g[6], g[7]));
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return classifyV4(v4From(g[6], g[7]));
  if (zeroUpTo(6)) return g[6] === 0 && g[7] <= 1 ? 'private' : classifyV4(v4From(g[6], g[7])); // ::, ::1, ::a.b.c.d
  // 64:ff9b::/96 NAT64 carries the IPv4 address in its last 32 bits; 64:ff9b:1::/48 is local-use NAT64.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyV4(v4From(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private';
  // 2002::/16 6to4 carries the IPv4 address in groups 1–2.
  if (g[0] === 0x2002) return classifyV4(v4From(g[1], g[2]));
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'metadata'; // AWS IMDS over IPv6
  if ((g[0] & 0xffc0) === 0xfe80) return 'metadata'; // fe80::/10 link-local
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local (fd00::/8 in practice)
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return 'private'; // multicast
  if (g[0] === 0x2001 && g[1] === 0) return 'private'; // Teredo: hides an IPv4 address
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'private'; // documentation
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'private'; // 100::/64 discard
  return 'public';
}

export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, '');
  const kind = isIP(bare.replace(/%.*$/, ''));
  if (kind === 4) return classifyV4(ipv4ToNumber(bare)!);
  if (kind === 6) {
    const groups = ipv6Groups(bare);
    return groups ? classifyV6(groups) : 'private';
  }
  return 'private';
}

/** Private, loopback, link-local, metadata or reserved: not a public internet address. */
export function isPrivateAddress(ip: string): boolean {
  return classifyAddress(ip) !== 'public';
}
