import { inflateRawSync } from 'node:zlib';
import type { Db } from '../../src/db/connect.ts';
import { nowIso, toJson } from '../../src/db/values.ts';
import type { RiskLevel } from '../../src/levels.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { seedOrg, PASSWORD } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

/** Fixtures for the ledger tests: a source, posts, channels, logged-in clients, and a tiny unzip. */
export async function insertSource(db: Db, name = '本地论坛', url = 'http://127.0.0.1/forum', config: unknown = {}): Promise<number> {
  const now = nowIso();
  const row = await db.kysely
    .insertInto('sources')
    .values({ name, kind: 'html', url, config: toJson(config), interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface PostFixture {
  title?: string;
  text?: string;
  url?: string;
  departmentId?: number | null;
  level?: RiskLevel;
  abuse?: boolean;
  eventId?: number | null;
  fetchedAt?: string;
  reasons?: string[];
}

let postSeq = 0;
/** A complete analysis result as the analysis step stores it, with the department reasons given. */
function storedAnalysis(level: RiskLevel, departmentReasons: string[]): AnalysisResult {
  return {
    sentiment: { label: 'negative', score: -0.6, reasons: ['负面情绪较强'] },
    topic: null,
    topicReasons: [],
    department: null,
    departmentReasons,
    risk: { level, score: 55, reasons: ['负面情绪较强', '回复数快速增长'] },
    keywords: [],
    rules: [],
    event: null,
    abuse: { flagged: false, reasons: [] },
  };
}

export async function insertPost(db: Db, sourceId: number, p: PostFixture = {}): Promise<number> {
  postSeq++;
  const now = p.fetchedAt ?? nowIso();
  const row = await db.kysely
    .insertInto('posts')
    .values({
      source_id: sourceId,
      external_id: `t${postSeq}`,
      dedup_key: `k${postSeq}-${Math.random()}`,
      url: p.url ?? `http://127.0.0.1/thread/${postSeq}`,
      title: p.title ?? '阳光小区门前道路施工半年未完工',
      text: p.text ?? '阳光小区门前的道路挖开半年了，一直没有完工，出行非常不便，希望有关部门尽快处理。',
      author: '网友甲',
      published_at: now,
      fetched_at: now,
      updated_at: now,
      department_id: p.departmentId ?? null,
      risk_level: p.level ?? 'yellow',
      abuse: p.abuse ? 1 : 0,
      views: 100,
      replies_count: 5,
      likes: 0,
      reposts: 0,
      event_id: p.eventId ?? null,
      analysis: toJson(storedAnalysis(p.level ?? 'yellow', p.reasons ?? ['规则“道路施工”指向建设科'])),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertChannel(db: Db, name: string, departmentId: number | null, audience: 'department' | 'leaders' = 'department'): Promise<number> {
  const now = nowIso();
  const row = await db.kysely
    .insertInto('channels')
    .values({ name, kind: 'webhook', config: '{}', department_id: departmentId, min_level: 'blue', enabled: 1, failure_streak: 0, audience, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface CaseWorld {
  server: TestServer;
  depts: Record<string, number>;
  users: Record<string, number>;
  as: Record<'office' | 'resp_js' | 'head_js' | 'resp_zf' | 'leader' | 'admin', ApiClient>;
  close(): Promise<void>;
}

export async function caseWorld(db: Db): Promise<CaseWorld> {
  const depts = await seedOrg(db);
  const users = Object.fromEntries((await db.kysely.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));
  const server = await startTestServer(db);
  const login = async (username: string) => {
    const c = new ApiClient(server.url);
    const res = await c.login(username, PASSWORD);
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return c;
  };
  const as = {
    office: await login('office1'),
    resp_js: await login('resp_js'),
    head_js: await login('head_js'),
    resp_zf: await login('resp_zf'),
    leader: await login('leader1'),
    admin: await login('admin1'),
  };
  return { server, depts, users, as, close: () => server.close() };
}

/** The entries of a .zip (docx/xlsx) as buffers, read with zlib only. */
export function unzip(buf: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The visible text of a Word document's body. */
export function docxText(buf: Buffer): string {
  const xml = unzip(buf).get('word/document.xml');
  if (!xml) throw new Error('no word/document.xml');
  return [...xml.toString('utf8').matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}
