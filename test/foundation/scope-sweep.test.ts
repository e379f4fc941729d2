import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { identifyingTexts, snapshotDepartment, twoDepartments, type DeptRecords, type TwoDepartments, type Username } from '../helpers/departments.ts';
import { loadOperations, resourceOf, sessionBreaking, sessionCaller, sweep, type JsonSchema, type Operation, type Planter } from '../helpers/sweep.ts';

/**
 * Departments stay apart (DESIGN §2), over every operation the API documents: a responder or head
 * calls each one with another department's ids in the path, and with them planted one at a time
 * in the body and query (the path then at their own record). No such call may succeed, no answer
 * may show the other department's text or case numbers, and the other department's rows are the
 * same afterwards. Admins, the office and leaders see every department: nothing is foreign to them.
 */
const SCOPED: { user: Username; own: 'jsk' | 'zfk'; foreign: 'jsk' | 'zfk' }[] = [
  { user: 'resp_js', own: 'jsk', foreign: 'zfk' },
  { user: 'head_js', own: 'jsk', foreign: 'zfk' },
  { user: 'resp_zf', own: 'zfk', foreign: 'jsk' },
  { user: 'head_zf', own: 'zfk', foreign: 'jsk' },
];

/**
 * Ids that only narrow a list to what the caller sees anyway (or that a department-scoped reader's
 * figures ignore): a success with them planted is no leak, the text check still applies.
 */
const FILTERS: Record<string, string[]> = {
  'GET /api/cases': ['department_id'],
  'GET /api/cases/export.xlsx': ['department_id'],
  'GET /api/alerts': ['channel_id', 'department_id', 'post_id', 'case_id'],
  'GET /api/posts': ['source_id', 'department_id', 'event_id'],
  'GET /api/audit': ['actorId'],
  'GET /api/reports/statistics': ['department'],
  'GET /api/reports/download': ['department'],
  'POST /api/alerts/read': ['ids'],
};

function isInteger(s: JsonSchema): boolean {
  const alts = [s, ...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  return alts.some((a) => a.type === 'integer' || a.type === 'number' || (Array.isArray(a.type) && a.type.includes('integer')));
}

/** Aims every id at one department's records. */
function planter(rec: DeptRecords): Planter {
  const paths: Record<string, readonly number[]> = {
    cases: rec.cases,
    responses: [rec.response],
    posts: [rec.posts.free, rec.posts.inCase],
    alerts: [rec.alert],
    memos: [rec.memo],
    instructions: [rec.instruction],
    commitments: [rec.commitment],
    attachments: rec.attachments,
    sources: [rec.source],
    'responder-accounts': [rec.account],
    events: [rec.event],
    rules: [rec.rule],
    channels: [rec.channel],
    schedules: [rec.schedule],
    departments: [rec.id],
    users: rec.users,
  };
  const fields: Record<string, unknown> = {
    post_ids: [rec.posts.free],
    post_id: rec.posts.free,
    event_id: rec.event,
    event: rec.event,
    case_id: rec.cases[0],
    department_id: rec.id,
    lead_department_id: rec.id,
    department: rec.id,
    assisting_department_ids: [rec.id],
    owner_id: rec.users[0],
    user_id: rec.users[0],
    actorId: rec.users[0],
    responder_account_id: rec.account,
    source_id: rec.source,
    channel_id: rec.channel,
    ids: [rec.alert],
  };
  return {
    // Collections without a department (templates, watch periods, named dates) get a record id that exists or not: still refused or harmless.
    pathIds: (op) => paths[resourceOf(op.path)] ?? [1],
    fieldId: (field, schema) => {
      if (!(field in fields)) return undefined;
      const s = schema.type === 'array' && schema.items ? schema.items : schema;
      return isInteger(s) || (s.anyOf ?? []).some(isInteger) ? fields[field] : undefined;
    },
    sample: (field, _schema, op) => {
      if (field === 'published_at' || field === 'posted_at') return new Date().toISOString();
      if (field === 'cron') return '0 8 * * *';
      if (field === 'expression') return '施工';
      if (field === 'data_base64') return Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
      if (field === 'kind' && op.path === '/api/reports/download') return 'special';
      if (field === 'quiet_hours') return null;
      return undefined;
    },
  };
}

const key = (op: Operation) => `${op.method} ${op.path}`;

for (const tdb of testDatabases) {
  describe(`departments stay apart in every API operation [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: TwoDepartments;
    let ops: Operation[];

    before(async () => {
      ({ db, drop } = await tdb.create());
      w = await twoDepartments(db);
      ops = await loadOperations(w.server.url);
    });
    after(async () => {
      await w?.close();
      await drop();
    });

    test('the sweep walks every documented operation', () => {
      assert.ok(ops.length > 100, `${ops.length} operations`);
      for (const k of ['POST /api/cases', 'POST /api/cases/{id}/posts', 'POST /api/sources/{id}/import', 'POST /api/alerts/{id}/ack', 'POST /api/cases/{id}/commitments']) {
        assert.ok(ops.some((op) => key(op) === k), k);
      }
    });

    for (const role of SCOPED) {
      test(`${role.user} reaches nothing of ${role.foreign}`, async () => {
        const foreign = w.records[role.foreign];
        const before = await snapshotDepartment(db, foreign);
        const records = await sweep(ops, [{ name: role.user, call: sessionCaller(w.as[role.user]), aim: { foreign: planter(foreign), own: planter(w.records[role.own]) } }], { skip: sessionBreaking });
        const texts = identifyingTexts(foreign);
        const problems: string[] = [];
        for (const { req, answer } of records) {
          const what = `${req.method} ${req.url} [${req.variant}] → ${answer.status}`;
          const shown = texts.filter((x) => answer.text.includes(x));
          if (shown.length) problems.push(`${what} shows ${shown.join(', ')}: ${answer.text.slice(0, 200)}`);
          const planted = req.plantedFields.filter((f) => !(FILTERS[key(req.op)] ?? []).includes(f));
          if (answer.status < 300 && (req.plantedPath || planted.length)) problems.push(`${what} succeeded: ${answer.text.slice(0, 200)}`);
        }
        assert.ok(records.length > 150, `${records.length} calls`);
        assert.deepEqual(problems, []);
        assert.deepEqual(await snapshotDepartment(db, foreign), before, `${role.foreign}'s records are unchanged`);
      });
    }
  });
}
