import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { classifyAddress, isPrivateAddress } from '../../src/outbound/addresses.ts';
import { parseAllowList } from '../../src/outbound/allowlist.ts';
import { createOutboundPolicy, outboundPolicyOf, refusalFor } from '../../src/outbound/policy.ts';
import { OutboundRefusedError } from '../../src/outbound/refusal.ts';
import { resolveOutboundHost } from '../../src/outbound/resolve.ts';

describe('address classes', () => {
  test('loopback, private, reserved and unspecified addresses are private, in every IPv4 and IPv6 spelling', () => {
    for (const ip of [
      '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.9', '100.64.0.1', '0.0.0.0', '0.1.2.3',
      '192.0.2.1', '198.18.0.1', '224.0.0.1', '255.255.255.255',
      '::1', '::', '[::1]', 'fd00::1', 'fc00::5', 'fec0::1', 'ff02::1', '2001:db8::1', '64:ff9b:1::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:10.0.0.1', '::ffff:0:127.0.0.1', '::127.0.0.1', '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::1', '2001:0:4136:e378::1',
    ]) {
      assert.equal(classifyAddress(ip), 'private', ip);
    }
  });
  test('link-local and cloud metadata addresses form their own class', () => {
    for (const ip of ['169.254.169.254', '169.254.0.23', '169.254.170.2', '100.100.100.200', 'fe80::1', 'fe80::1%eth0', 'fd00:ec2::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::169.254.169.254', '2002:a9fe:a9fe::1']) {
      assert.equal(classifyAddress(ip), 'metadata', ip);
    }
  });
  test('public addresses are public; anything that is not an address is not', () => {
    for (const ip of ['114.114.114.114', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2400:3200::1', '240e::1', '::ffff:114.114.114.114', '64:ff9b::808:808']) {
      assert.equal(classifyAddress(ip), 'public', ip);
      assert.equal(isPrivateAddress(ip), false, ip);
    }
    for (const bad of ['', 'localhost', 'example.com', '1.2.3', '999.1.1.1', '::ffff:999.0.0.1']) assert.equal(isPrivateAddress(bad), true, bad);
  });
});

describe('the administrator allow-list', () => {
  test('takes host names, addresses and networks, and refuses anything else by name', () => {
    const list = parseAllowList(' rsshub.lan, 10.8.0.0/16 192.168.1.20;fd12:3456::/48 Mail.Intra. ');
    assert.deepEqual([...list.hosts], ['rsshub.lan', 'mail.intra']);
    assert.equal(list.nets.check('10.8.3.4', 'ipv4'), true);
    assert.equal(list.nets.check('10.9.0.1', 'ipv4'), false);
    assert.equal(list.nets.check('192.168.1.20', 'ipv4'), true);
    assert.equal(list.nets.check('fd12:3456::9', 'ipv6'), true);
    for (const bad of ['10.0.0.0/33', 'http://rsshub.lan', 'rsshub.lan/8', '10.0.0.0/8/1', 'a b/x', 'under_score..lan']) {
      assert.throws(() => parseAllowList(bad), /not a host|prefix/, bad);
    }
  });
  test('a bad entry stops the configuration from loading, with the entry named', () => {
    assert.throws(() => loadConfig({ MINSHENG_ALLOW_PRIVATE_HOSTS: 'rsshub.lan, 10.0.0.0/40' }), /MINSHENG_ALLOW_PRIVATE_HOSTS.*10\.0\.0\.0\/40/);
    assert.equal(loadConfig({ MINSHENG_ALLOW_PRIVATE_HOSTS: 'rsshub.lan' }).MINSHENG_ALLOW_PRIVATE_HOSTS, 'rsshub.lan');
  });
});

describe('the outbound policy', () => {
  const logged: unknown[][] = [];
  const log = { warn: (...args: unknown[]) => void logged.push(args) };

  test('by default only public addresses are reached; a refusal is an AppError in zh-CN, logged in English', () => {
    const p = createOutboundPolicy({ log });
    assert.equal(refusalFor(p, 'www.gov.cn', '114.114.114.114'), null);
    const r = refusalFor(p, 'Intranet.Example.', '10.0.0.5');
    assert.ok(r instanceof OutboundRefusedError);
    assert.equal(r.status, 400);
    assert.equal(r.code, 'outbound_refused');
    assert.equal(r.message, 'refused to connect to intranet.example (10.0.0.5): a private or loopback address; the administrator may allow it with MINSHENG_ALLOW_PRIVATE_NETWORKS=1 or MINSHENG_ALLOW_PRIVATE_HOSTS');
    assert.match(r.userMessage, /^已拒绝连接 intranet\.example（10\.0\.0\.5）：/);
    assert.match(r.userMessage, /内网/);
    assert.deepEqual(logged.at(-1), [{ host: 'intranet.example', address: '10.0.0.5', addressClass: 'private' }, r.message]);
    const m = refusalFor(p, '169.254.169.254', '169.254.169.254')!;
    assert.match(m.message, /^refused to connect to 169\.254\.169\.254: a link-local or cloud-metadata address/);
    assert.match(m.userMessage, /元数据/);
  });

  test('allowing private networks opens private addresses but not metadata', () => {
    const p = createOutboundPolicy({ allowPrivate: true });
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', 'fd00::1', '::ffff:127.0.0.1']) assert.equal(refusalFor(p, 'h', ip), null, ip);
    for (const ip of ['169.254.169.254', 'fe80::1', '100.100.100.200', '::ffff:169.254.169.254']) assert.ok(refusalFor(p, 'h', ip), ip);
  });

  test('the allow-list opens its hosts (private addresses only) and its networks (any address in them)', () => {
    const p = createOutboundPolicy({ allowHosts: 'rsshub.lan, 10.8.0.0/16, 169.254.169.254' });
    assert.equal(refusalFor(p, 'rsshub.lan', '192.168.3.3'), null);
    assert.equal(refusalFor(p, 'RSSHub.LAN.', '192.168.3.3'), null);
    assert.ok(refusalFor(p, 'other.lan', '192.168.3.3'));
    assert.ok(refusalFor(p, 'rsshub.lan', '169.254.1.1'), 'a host name does not open link-local addresses');
    assert.equal(refusalFor(p, 'anything', '10.8.1.1'), null);
    assert.equal(refusalFor(p, 'anything', '::ffff:10.8.1.1'), null);
    assert.ok(refusalFor(p, 'anything', '10.9.1.1'));
    assert.equal(refusalFor(p, 'metadata', '169.254.169.254'), null, 'an explicitly listed address is allowed');
  });

  test('a process keeps one policy, from its configuration', () => {
    const ctx = createContext({} as Db, loadConfig({ MINSHENG_ALLOW_PRIVATE_NETWORKS: '0', MINSHENG_ALLOW_PRIVATE_HOSTS: 'rsshub.lan' }), createLogger('silent'));
    const p = outboundPolicyOf(ctx);
    assert.equal(outboundPolicyOf(ctx), p);
    assert.equal(p.allowPrivate, false);
    assert.ok(p.allowList.hosts.has('rsshub.lan'));
    assert.equal(outboundPolicyOf(createContext({} as Db, loadConfig({ MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' }), createLogger('silent'))).allowPrivate, true);
  });

  test('hosts for raw sockets (SMTP) are resolved and checked before connecting, keeping the name for TLS', async () => {
    const strict = createOutboundPolicy();
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::ffff:127.0.0.1]', '169.254.169.254', '10.1.1.1']) {
      await assert.rejects(resolveOutboundHost(strict, host), OutboundRefusedError, host);
    }
    assert.deepEqual(await resolveOutboundHost(createOutboundPolicy({ allowHosts: 'localhost' }), 'LocalHost'), { address: '127.0.0.1', servername: 'localhost' });
    assert.deepEqual(await resolveOutboundHost(createOutboundPolicy({ allowPrivate: true }), '127.0.0.1'), { address: '127.0.0.1', servername: undefined });
  });
});
