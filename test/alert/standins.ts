import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '../../src/alert/channels/webhook.ts';

/**
 * Stand-ins for the services, on 127.0.0.1, built to each service's documented request format
 * and signature check, answering its documented codes. `mode` switches an instance to a failure.
 */
export type Mode = 'ok' | 'rate_limit' | 'http500' | 'hang' | 'down' | 'reject';

export interface Standin {
  url: string;
  mode: Mode;
  /** Accepted messages (parsed JSON bodies, or for SMTP the raw message). */
  received: any[];
  /** Every request, accepted or not. */
  requests: { url: string; headers: IncomingMessage['headers']; body: string }[];
  /** TCP connections accepted (a refused address must never get one). */
  connections: number;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse, st: Standin) => void): Promise<Standin> {
  const hung: ServerResponse[] = [];
  const st: Standin = { url: '', mode: 'ok', received: [], requests: [], connections: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      st.requests.push({ url: req.url ?? '', headers: req.headers, body });
      if (st.mode === 'hang') return void hung.push(res);
      if (st.mode === 'down') return void res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      if (st.mode === 'reject') return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"payload not understood"}');
      if (st.mode === 'http500') return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
      handler(req, body, res, st);
    });
  });
  server.on('connection', () => st.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  st.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  st.close = async () => {
    for (const h of hung) h.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return st;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function parse(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** WeCom group robot: key in the query; markdown content required, ≤ 4096 bytes. */
export function wecomStandin(key: string) {
  return listen((req, body, res, st) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || u.pathname !== '/cgi-bin/webhook/send') return json(res, 404, { errcode: 404, errmsg: 'not found' });
    if (u.searchParams.get('key') !== key) return json(res, 200, { errcode: 93000, errmsg: 'invalid webhook url, hint: [x], from ip: 127.0.0.1' });
    if (st.mode === 'rate_limit') return json(res, 200, { errcode: 45009, errmsg: 'api freq out of limit' });
    const msg = parse(body);
    if (!msg || msg.msgtype !== 'markdown') return json(res, 200, { errcode: 40008, errmsg: 'invalid message type' });
    const content = msg.markdown?.content;
    if (typeof content !== 'string' || !content) return json(res, 200, { errcode: 44004, errmsg: 'empty content' });
    if (Buffer.byteLength(content) > 4096) return json(res, 200, { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' });
    st.received.push(msg);
    json(res, 200, { errcode: 0, errmsg: 'ok' });
  });
}

/** DingTalk custom robot: access_token; signed mode checks timestamp (±1 h) and sign; keyword mode. */
export function dingtalkStandin(token: string, opts: { secret?: string; keyword?: string }) {
  return listen((req, body, res, st) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || u.pathname !== '/robot/send') return json(res, 404, { errcode: 404, errmsg: 'not found' });
    if (u.searchParams.get('access_token') !== token) return json(res, 200, { errcode: 300001, errmsg: 'token is not exist' });
    if (opts.secret) {
      const ts = u.searchParams.get('timestamp') ?? '';
      const sign = u.searchParams.get('sign') ?? '';
      if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > 3600_000) return json(res, 200, { errcode: 310000, errmsg: 'invalid timestamp' });
      const expected = createHmac('sha256', opts.secret).update(`${ts}\n${opts.secret}`).digest('base64');
      if (sign !== expected) return json(res, 200, { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
    }
    if (st.mode === 'rate_limit') return json(res, 200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    const msg = parse(body);
    if (!msg || msg.msgtype !== 'markdown' || typeof msg.markdown?.title !== 'string' || typeof msg.markdown?.text !== 'string') {
      return json(res, 200, { errcode: 40035, errmsg: '缺少参数 json' });
    }
    if (opts.keyword && !`${msg.markdown.title}${msg.markdown.text}`.includes(opts.keyword)) {
      return json(res, 200, { errcode: 310000, errmsg: 'keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
    }
    st.received.push(msg);
    json(res, 200, { errcode: 0, errmsg: 'ok' });
  });
}

/** Feishu custom bot: token in the path; signature in the body (key = timestamp\nsecret over ""). */
export function feishuStandin(token: string, opts: { secret?: string }) {
  return listen((req, body, res, st) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const m = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(u.pathname);
    if (req.method !== 'POST' || !m) return json(res, 404, { code: 404, msg: 'not found' });
    if (decodeURIComponent(m[1]) !== token) return json(res, 200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} });
    const msg = parse(body);
    if (!msg) return json(res, 400, { code: 9499, msg: 'Bad Request', data: {} });
    if (opts.secret) {
      const ts = String(msg.timestamp ?? '');
      const expected = createHmac('sha256', `${ts}\n${opts.secret}`).update('').digest('base64');
      if (!/^\d{10}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 3600 || msg.sign !== expected) {
        return json(res, 200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} });
      }
    }
    if (st.mode === 'rate_limit') return json(res, 200, { code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]', data: {} });
    const post = msg.content?.post?.zh_cn;
    if (msg.msg_type !== 'post' || typeof post?.title !== 'string' || !Array.isArray(post?.content)) return json(res, 200, { code: 9499, msg: 'Bad Request', data: {} });
    st.received.push(msg);
    json(res, 200, { code: 0, msg: 'success', data: {}, StatusCode: 0, StatusMessage: 'success' });
  });
}

/** A receiver of the generic webhook: checks the signature, drops repeats by Idempotency-Key. */
export async function webhookReceiver(secret: string) {
  const seen = new Map<string, number>();
  const st = await listen((req, body, res, s) => {
    if (!verifyWebhook(secret, req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) {
      return json(res, 401, { error: 'bad signature' });
    }
    if (s.mode === 'rate_limit') return void res.writeHead(429, { 'retry-after': '30' }).end('slow down');
    const key = String(req.headers['idempotency-key'] ?? '');
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (seen.get(key)! > 1) return json(res, 200, { duplicate: true });
    s.received.push(parse(body));
    json(res, 202, { accepted: true });
  });
  return Object.assign(st, { deliveriesPerKey: seen });
}

/** A port with nothing listening (connection refused). */
export async function closedPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A TCP server that accepts and never says a word (SMTP timeout). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const srv = createNetServer((s) => sockets.add(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

export interface SmtpStandin {
  port: number;
  mode: Mode;
  received: { from: string; to: string[]; raw: string }[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) with AUTH; STARTTLS with its self-signed certificate, or implicit TLS. */
export async function smtpStandin(opts: { user: string; pass: string; secure?: boolean }): Promise<SmtpStandin> {
  const st: SmtpStandin = { port: 0, mode: 'ok', received: [], connections: 0, close: async () => undefined };
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) return cb(null, { user: auth.username });
      const err = new Error('Invalid username or password') as Error & { responseCode?: number };
      err.responseCode = 535;
      cb(err);
    },
    onRcptTo(address, _session, cb) {
      if (st.mode === 'rate_limit') {
        const err = new Error('Too many messages, try again later') as Error & { responseCode?: number };
        err.responseCode = 451;
        return cb(err);
      }
      if (address.address.startsWith('nobody@')) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode?: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        st.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  // A client refusing our self-signed certificate ends the TLS handshake: not an error of the stand-in.
  server.on('error', () => undefined);
  server.server.on('connection', () => st.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  st.port = (server.server.address() as AddressInfo).port;
  st.close = () => new Promise<void>((r) => server.close(() => r()));
  return st;
}
