import net from 'node:net';

export interface ConnectionWatch {
  /** Every host a socket was asked to connect to, in order (before any DNS lookup). */
  attempts: string[];
  restore(): void;
}

/** Hosts a test may ever reach: the loopback stand-ins, and `localhost` (whose lookup the policy must refuse). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/**
 * Watches every outgoing TCP connection of this process (undici, nodemailer and net all end in
 * net.Socket.prototype.connect) so a test can assert that a refused address was never
 * connected to. It is also a safety net: a connection to anything but 127.0.0.1 / localhost is
 * destroyed before it starts, so a broken policy cannot make a test send traffic elsewhere.
 */
export function watchConnections(): ConnectionWatch {
  const original = net.Socket.prototype.connect;
  const attempts: string[] = [];
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const opts = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string;
    const host = typeof opts === 'object' && opts !== null ? (opts.path ? `unix:${opts.path}` : (opts.host ?? 'localhost')) : typeof args[1] === 'string' ? args[1] : 'localhost';
    attempts.push(host);
    if (!LOOPBACK.has(host) && !host.startsWith('unix:')) {
      process.nextTick(() => this.destroy(new Error(`test guard: connection to ${host} blocked`)));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return {
    attempts,
    restore: () => {
      net.Socket.prototype.connect = original;
    },
  };
}

/**
 * Addresses the default outbound policy refuses, as written in a URL: loopback (also as a name
 * and in IPv4-mapped IPv6 form), cloud metadata, RFC 1918, unique-local IPv6, the unspecified
 * address, Alibaba Cloud's metadata address. Tests try each on a stand-in's port; none may be
 * connected to.
 */
export const REFUSED_HOSTS = ['127.0.0.1', 'localhost', '169.254.169.254', '[::1]', '10.0.0.1', '192.168.1.1', '[::ffff:127.0.0.1]', '[fd00::1]', '0.0.0.0', '100.100.100.200'];
