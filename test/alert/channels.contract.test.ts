import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { ChannelMessage, SendContext } from '../../src/alert/channels/base.ts';
import { channelProviders } from '../../src/alert/channels/index.ts';
import { INAPP_EVENT } from '../../src/alert/channels/inapp.ts';
import type { ChannelKindName } from '../../src/alert/vocabulary.ts';
import { createOutboundPolicy } from '../../src/outbound/policy.ts';
import { REFUSED_HOSTS, watchConnections } from '../helpers/connections.ts';
import { closedPort, dingtalkStandin, feishuStandin, silentServer, smtpStandin, webhookReceiver, wecomStandin, type Mode } from './standins.ts';

/**
 * One contract, every channel (as Hono runs one suite against each router): success in the
 * service's format, the service's error code on HTTP 200, a bad signature, a rate limit,
 * HTTP 5xx, connection refused, timeout, and the attachment.
 */
const message = (over: Partial<ChannelMessage> = {}): ChannelMessage => ({
  kind: 'alert',
  level: 'orange',
  levelLabel: '重大',
  title: '某小区地下车库漏水无人处理',
  body: '来源：县论坛\n命中规则：小区漏水',
  links: [{ label: '查看信息', url: 'https://yq.example.gov.cn/posts/7' }],
  idempotencyKey: 'post:7|rule:小区漏水|ch1',
  alertIds: [1],
  channelId: 1,
  departmentId: null,
  createdAt: new Date().toISOString(),
  ...over,
});

const attachment = {
  id: 42,
  filename: '舆情日报.docx',
  mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  url: 'https://yq.example.gov.cn/api/attachments/42',
  load: async () => Buffer.from('PK-fake-docx-bytes'),
};

interface Rig {
  config: Record<string, unknown>;
  badKey: Record<string, unknown>;
  badSignature?: Record<string, unknown>;
  refused: Record<string, unknown>;
  /** The working config pointed at another host (as written in a URL, e.g. [::1]) on the stand-in's port. */
  at(host: string): Record<string, unknown>;
  /** TCP connections the stand-in accepted so far. */
  connections(): number;
  hang(): Promise<Record<string, unknown>>;
  setMode(m: Mode): void;
  received(): any[];
  /** The text a person would read, from one received message. */
  textOf(msg: any): string;
  close(): Promise<void>;
}

interface Harness {
  label: string;
  kind: ChannelKindName;
  http5xx: boolean;
  rig(): Promise<Rig>;
}

const refusedUrl = async () => `http://127.0.0.1:${await closedPort()}`;

const harnesses: Harness[] = [
  {
    label: 'wecom',
    kind: 'wecom',
    http5xx: true,
    async rig() {
      const s = await wecomStandin('good-key');
      return {
        config: { key: 'good-key', baseUrl: s.url },
        badKey: { key: 'wrong-key', baseUrl: s.url },
        refused: { key: 'good-key', baseUrl: await refusedUrl() },
        hang: async () => ((s.mode = 'hang'), { key: 'good-key', baseUrl: s.url }),
        at: (host) => ({ key: 'good-key', baseUrl: s.url.replace('127.0.0.1', host) }),
        connections: () => s.connections,
        setMode: (m) => (s.mode = m),
        received: () => s.received,
        textOf: (m) => m.markdown.content,
        close: () => s.close(),
      };
    },
  },
  {
    label: 'dingtalk (signed)',
    kind: 'dingtalk',
    http5xx: true,
    async rig() {
      const s = await dingtalkStandin('tok', { secret: 'SEC-right' });
      return {
        config: { accessToken: 'tok', secret: 'SEC-right', baseUrl: s.url },
        badKey: { accessToken: 'nope', secret: 'SEC-right', baseUrl: s.url },
        badSignature: { accessToken: 'tok', secret: 'SEC-wrong', baseUrl: s.url },
        refused: { accessToken: 'tok', secret: 'SEC-right', baseUrl: await refusedUrl() },
        hang: async () => ((s.mode = 'hang'), { accessToken: 'tok', secret: 'SEC-right', baseUrl: s.url }),
        at: (host) => ({ accessToken: 'tok', secret: 'SEC-right', baseUrl: s.url.replace('127.0.0.1', host) }),
        connections: () => s.connections,
        setMode: (m) => (s.mode = m),
        received: () => s.received,
        textOf: (m) => `${m.markdown.title}\n${m.markdown.text}`,
        close: () => s.close(),
      };
    },
  },
  {
    label: 'dingtalk (keyword)',
    kind: 'dingtalk',
    http5xx: true,
    async rig() {
      const s = await dingtalkStandin('tok', { keyword: '舆情' });
      return {
        config: { accessToken: 'tok', keyword: '舆情', baseUrl: s.url },
        badKey: { accessToken: 'nope', keyword: '舆情', baseUrl: s.url },
        // Keyword mode has no signature; a channel configured without the keyword is refused by the service.
        badSignature: { accessToken: 'tok', baseUrl: s.url },
        refused: { accessToken: 'tok', keyword: '舆情', baseUrl: await refusedUrl() },
        hang: async () => ((s.mode = 'hang'), { accessToken: 'tok', keyword: '舆情', baseUrl: s.url }),
        at: (host) => ({ accessToken: 'tok', keyword: '舆情', baseUrl: s.url.replace('127.0.0.1', host) }),
        connections: () => s.connections,
        setMode: (m) => (s.mode = m),
        received: () => s.received,
        textOf: (m) => `${m.markdown.title}\n${m.markdown.text}`,
        close: () => s.close(),
      };
    },
  },
  {
    label: 'feishu (signed)',
    kind: 'feishu',
    http5xx: true,
    async rig() {
      const s = await feishuStandin('hook-token', { secret: 'fs-secret' });
      return {
        config: { token: 'hook-token', secret: 'fs-secret', baseUrl: s.url },
        badKey: { token: 'other', secret: 'fs-secret', baseUrl: s.url },
        badSignature: { token: 'hook-token', secret: 'not-the-secret', baseUrl: s.url },
        refused: { token: 'hook-token', secret: 'fs-secret', baseUrl: await refusedUrl() },
        hang: async () => ((s.mode = 'hang'), { token: 'hook-token', secret: 'fs-secret', baseUrl: s.url }),
        at: (host) => ({ token: 'hook-token', secret: 'fs-secret', baseUrl: s.url.replace('127.0.0.1', host) }),
        connections: () => s.connections,
        setMode: (m) => (s.mode = m),
        received: () => s.received,
        textOf: (m) => JSON.stringify(m.content.post.zh_cn),
        close: () => s.close(),
      };
    },
  },
  {
    label: 'webhook (signed)',
    kind: 'webhook',
    http5xx: true,
    async rig() {
      const s = await webhookReceiver('receiver-secret-1');
      return {
        config: { url: `${s.url}/hooks/minsheng`, secret: 'receiver-secret-1' },
        badKey: { url: `${s.url}/hooks/minsheng`, secret: 'someone-elses-secret' },
        badSignature: { url: `${s.url}/hooks/minsheng`, secret: 'someone-elses-secret' },
        refused: { url: `${await refusedUrl()}/hooks`, secret: 'receiver-secret-1' },
        hang: async () => ((s.mode = 'hang'), { url: `${s.url}/hooks/minsheng`, secret: 'receiver-secret-1' }),
        at: (host) => ({ url: `${s.url.replace('127.0.0.1', host)}/hooks/minsheng`, secret: 'receiver-secret-1' }),
        connections: () => s.connections,
        setMode: (m) => (s.mode = m),
        received: () => s.received,
        textOf: (m) => `${m.title}\n${m.body}\n${JSON.stringify(m.links)}`,
        close: () => s.close(),
      };
    },
  },
  {
    label: 'email (STARTTLS + auth)',
    kind: 'email',
    http5xx: false,
    async rig() {
      const s = await smtpStandin({ user: 'yq@example.gov.cn', pass: 'smtp-pass' });
      const base = { host: '127.0.0.1', port: s.port, tls: 'starttls', allowSelfSigned: true, user: 'yq@example.gov.cn', from: '民声 <yq@example.gov.cn>', to: ['office@example.gov.cn'] };
      let silent: Awaited<ReturnType<typeof silentServer>> | null = null;
      return {
        config: { ...base, password: 'smtp-pass' },
        badKey: { ...base, password: 'wrong-pass' },
        refused: { ...base, password: 'smtp-pass', port: await closedPort() },
        hang: async () => {
          silent = await silentServer();
          return { ...base, password: 'smtp-pass', port: silent.port };
        },
        at: (host) => ({ ...base, password: 'smtp-pass', host: host.replace(/^\[|\]$/g, '') }),
        connections: () => s.connections,
        setMode: (m) => (s.mode = m),
        received: () => s.received,
        textOf: (m) => m.raw,
        close: async () => {
          await s.close();
          await silent?.close();
        },
      };
    },
  },
];

/** The stand-ins are on 127.0.0.1: these sends run with private networks allowed, explicitly. */
const loopbackAllowed = createOutboundPolicy({ allowPrivate: true });
const ctxFor = (timeoutMs = 3000): SendContext => ({ timeoutMs, outbound: loopbackAllowed, env: {}, bus: new EventEmitter() });


for (const h of harnesses) {
  describe(`channel contract: ${h.label}`, () => {
    const provider = channelProviders[h.kind];
    let rig: Rig;
    before(async () => {
      rig = await h.rig();
    });
    after(async () => rig.close());
    const send = (config: Record<string, unknown>, m = message(), timeoutMs?: number) => provider.send(provider.config.parse(config), m, ctxFor(timeoutMs));

    test('delivers a message in the service format, judged by the service result', async () => {
      const n = rig.received().length;
      const res = await send(rig.config);
      assert.equal(res.ok, true, JSON.stringify(res));
      assert.equal(rig.received().length, n + 1);
      const text = rig.received().at(-1);
      const readable = rig.textOf(text);
      assert.match(h.kind === 'email' ? Buffer.from(readable).toString() : readable, h.kind === 'email' ? /Subject: =\?UTF-8\?|某小区/ : /某小区地下车库漏水无人处理/);
      assert.ok(res.snippet.length > 0, 'the answer is kept');
    });

    test('an error code from the service (bad key) is a failure even on HTTP 200', async () => {
      const res = await send(rig.badKey);
      assert.equal(res.ok, false);
      assert.ok(res.failure === 'auth' || (h.kind === 'webhook' && res.failure === 'signature'), `failure ${res.failure}`);
      if (h.kind !== 'webhook' && h.kind !== 'email') assert.equal(res.status, 200);
      assert.ok(res.error);
    });

    if (h.label !== 'wecom' && h.kind !== 'email') {
      test('a bad signature (or missing keyword) is refused and named as such', async () => {
        const res = await send(rig.badSignature!);
        assert.equal(res.ok, false);
        assert.equal(res.failure, h.label.includes('keyword') ? 'keyword' : 'signature');
      });
    }

    test('a rate limit is recognised and says when to try again', async () => {
      rig.setMode('rate_limit');
      try {
        const res = await send(rig.config);
        assert.equal(res.ok, false);
        assert.equal(res.failure, 'rate_limit');
        assert.ok((res.retryAfterMs ?? 0) > 0);
      } finally {
        rig.setMode('ok');
      }
    });

    if (h.http5xx) {
      test('HTTP 5xx is a server failure', async () => {
        rig.setMode('http500');
        try {
          const res = await send(rig.config);
          assert.equal(res.ok, false);
          assert.equal(res.failure, 'server');
          assert.equal(res.status, 502);
        } finally {
          rig.setMode('ok');
        }
      });
    }

    test('private, loopback and metadata addresses are refused before connecting, unless the administrator allows them', async () => {
      const strict: SendContext = { ...ctxFor(), outbound: createOutboundPolicy() };
      const before = rig.connections();
      const watch = watchConnections();
      try {
        for (const host of REFUSED_HOSTS) {
          const res = await provider.send(provider.config.parse(rig.at(host)), message(), strict);
          assert.equal(res.ok, false, `${host}: ${JSON.stringify(res)}`);
          assert.equal(res.failure, 'blocked', `${host}: ${JSON.stringify(res)}`);
          assert.equal(res.status, null);
          assert.equal(res.snippet, '', 'not a byte from the target');
          assert.match(res.error ?? '', /^refused to connect to /);
          assert.match(res.userMessage ?? '', /^已拒绝连接/);
        }
        // Allowing private networks still leaves cloud metadata out.
        const metadata = await provider.send(provider.config.parse(rig.at('169.254.169.254')), message(), ctxFor());
        assert.equal(metadata.failure, 'blocked');
        // Only the name `localhost` reached a socket (its DNS answer was refused there); no TCP connection was made.
        assert.deepEqual(watch.attempts.filter((h) => h !== 'localhost'), []);
        assert.equal(rig.connections(), before);
        // The administrator's allow-list, and only it, opens the way.
        const allowed = await provider.send(provider.config.parse(rig.at('localhost')), message(), { ...ctxFor(), outbound: createOutboundPolicy({ allowHosts: 'localhost' }) });
        assert.equal(allowed.ok, true, JSON.stringify(allowed));
      } finally {
        watch.restore();
      }
    });

    test('connection refused is a network failure', async () => {
      const res = await send(rig.refused);
      assert.equal(res.ok, false);
      assert.equal(res.failure, 'network');
      assert.match(res.error ?? '', /ECONNREFUSED|connect/i);
    });

    test('no answer within the timeout is a timeout', async () => {
      const cfg = await rig.hang();
      try {
        const res = await send(cfg, message(), 300);
        assert.equal(res.ok, false);
        assert.equal(res.failure, 'timeout', JSON.stringify(res));
      } finally {
        rig.setMode('ok');
      }
    });

    test('an attachment is attached (e-mail) or linked for download', async () => {
      const res = await send(rig.config, message({ attachment, idempotencyKey: 'report:7|ch1', links: [{ label: '下载附件', url: attachment.url }] }));
      assert.equal(res.ok, true, JSON.stringify(res));
      const last = rig.received().at(-1);
      const text = rig.textOf(last);
      if (h.kind === 'email') {
        assert.match(text, /Content-Disposition: attachment/);
        assert.match(text, /UEstZmFrZS1kb2N4LWJ5dGVz/); // base64 of the file
      } else {
        assert.ok(text.includes('/api/attachments/42'), text);
      }
    });
  });
}

describe('channel contract: inapp', () => {
  test('stores and pushes the alert to open consoles', async () => {
    const bus = new EventEmitter();
    const seen: any[] = [];
    bus.on(INAPP_EVENT, (e) => seen.push(e));
    const provider = channelProviders.inapp;
    const res = await provider.send(provider.config.parse({ roles: ['leader'] }), message(), { ...ctxFor(1000), bus });
    assert.equal(res.ok, true);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].roles, ['leader']);
    assert.equal(seen[0].title, '某小区地下车库漏水无人处理');
  });
  test('refuses an unknown role in its config', () => {
    assert.equal(channelProviders.inapp.config.safeParse({ roles: ['emperor'] }).success, false);
  });
});

describe('channel payload limits', () => {
  test('WeCom markdown is cut to 4096 bytes so the service accepts a long post', async () => {
    const s = await wecomStandin('k');
    try {
      const long = message({ body: '漏水'.repeat(3000) });
      const res = await channelProviders.wecom.send({ key: 'k', baseUrl: s.url }, long, ctxFor());
      assert.equal(res.ok, true, JSON.stringify(res));
      assert.ok(Buffer.byteLength(s.received[0].markdown.content) <= 4096);
    } finally {
      await s.close();
    }
  });
  test('crawled text cannot inject markdown links into a chat message', async () => {
    const { renderMarkdown } = await import('../../src/alert/channels/markdown.ts');
    const text = renderMarkdown(message({ title: '[点我](http://evil.example)' }));
    assert.ok(!text.includes('[点我](http://evil.example)'));
  });
});

describe('email over implicit TLS (port 465 style)', () => {
  test('connects with TLS from the first byte and authenticates', async () => {
    const s = await smtpStandin({ user: 'u@example.gov.cn', pass: 'p', secure: true });
    try {
      const cfg = channelProviders.email.config.parse({ host: '127.0.0.1', port: s.port, tls: 'implicit', allowSelfSigned: true, user: 'u@example.gov.cn', password: 'p', from: 'u@example.gov.cn', to: ['o@example.gov.cn'] });
      const res = await channelProviders.email.send(cfg, message(), ctxFor());
      assert.equal(res.ok, true, JSON.stringify(res));
      assert.equal(s.received.length, 1);
      const strict = await channelProviders.email.send({ ...cfg, allowSelfSigned: false }, message(), ctxFor());
      assert.equal(strict.ok, false, 'an untrusted certificate is refused unless allowed');
      assert.equal(strict.failure, 'network');
    } finally {
      await s.close();
    }
  });
  test('the password may come from SMTP_PASSWORD', async () => {
    const s = await smtpStandin({ user: 'u@example.gov.cn', pass: 'from-env' });
    try {
      const cfg = channelProviders.email.config.parse({ host: '127.0.0.1', port: s.port, tls: 'starttls', allowSelfSigned: true, user: 'u@example.gov.cn', from: 'u@example.gov.cn', to: ['o@example.gov.cn'] });
      const res = await channelProviders.email.send(cfg, message(), { ...ctxFor(), env: { SMTP_PASSWORD: 'from-env' } });
      assert.equal(res.ok, true, JSON.stringify(res));
    } finally {
      await s.close();
    }
  });
});
