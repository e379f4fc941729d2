import { BlockList, isIP } from 'node:net';

/**
 * The administrator's allow-list (MINSHENG_ALLOW_PRIVATE_HOSTS): host names, addresses and
 * networks (CIDR) on the intranet that may be reached although private networks are not
 * allowed in general — e.g. `rsshub.lan, 10.8.0.0/16, 192.168.1.20, fd12:3456::/48`.
 * A host name allows a private address only when the URL names that host; an address or
 * network allows the addresses in it whatever name led there.
 */
export interface AllowList {
  readonly entries: readonly string[];
  /** Lower-case host names without a trailing dot. */
  readonly hosts: ReadonlySet<string>;
  readonly nets: BlockList;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** Parses a comma- or space-separated list; throws an Error naming the first bad entry. */
export function parseAllowList(text: string | undefined): AllowList {
  const entries = (text ?? '').split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean);
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const entry of entries) {
    const [addr, prefixText, extra] = entry.split('/');
    const bare = normaliseHost(addr);
    const family = isIP(bare);
    if (extra !== undefined) throw new Error(`not a host, address or network: ${entry}`);
    if (family) {
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!/^\d+$/.test(prefixText ?? String(max)) || prefix < 0 || prefix > max) throw new Error(`bad network prefix in ${entry}`);
      nets.addSubnet(bare, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (prefixText === undefined && HOSTNAME.test(bare)) {
      hosts.add(bare);
    } else {
      throw new Error(`not a host, address or network: ${entry}`);
    }
  }
  return { entries, hosts, nets };
}

export function allowListed(list: AllowList, host: string, address: string): { byHost: boolean; byAddress: boolean } {
  const family = isIP(address);
  return {
    byHost: list.hosts.has(normaliseHost(host)),
    byAddress: family !== 0 && list.nets.check(address, family === 4 ? 'ipv4' : 'ipv6'),
  };
}
