import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor, type Actor } from '../../src/auth/actor.ts';
import { updateDepartment } from '../../src/auth/departments.ts';
import { approveResponse, draftResponse, recordPosted, submitResponse } from '../../src/cases/responses.ts';
import { assignCase } from '../../src/cases/workflow.ts';
import { localDate } from '../../src/time/calendar.ts';
import { answerDeadlines, instructionDue } from '../../src/cases/deadlines.ts';
import { openCaseInTrx } from '../../src/cases/open.ts';
import { checkDeadlines } from '../../src/cases/reminders.ts';
import { DEFAULT_CASE_SETTINGS, storeCaseSettings } from '../../src/cases/settings.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { createLogger } from '../../src/log.ts';
import type { RiskLevel } from '../../src/levels.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertChannel, insertPost, insertSource } from './helpers.ts';

const S = DEFAULT_CASE_SETTINGS;

// 2026 National Day: 10-01..10-07 off; Sun 09-20 and Sat 10-10 are make-up workdays.
describe('deadlines on the working-day calendar', () => {
  test('found on the make-up Sunday 09-20: answered the same day, not on Monday', () => {
    const d = answerDeadlines('2026-09-20T02:00:00Z', 'yellow', false, S);
    assert.equal(d.deadlineKind, 'same_day');
    assert.equal(d.deadlineAt, '2026-09-20T09:30:00.000Z');
  });

  test('found on the rest Saturday 09-19 before the make-up Sunday: due on Sunday 09-20', () => {
    assert.equal(answerDeadlines('2026-09-19T03:00:00Z', 'blue', false, S).deadlineAt, '2026-09-20T09:30:00.000Z');
  });

  test('found on the first day of National Day: due on the first day back, 10-08', () => {
    const d = answerDeadlines('2026-10-01T04:00:00Z', 'yellow', false, S);
    assert.equal(localDate(d.deadlineAt), '2026-10-08');
  });

  test('found Friday 10-09 after closing: due on the make-up Saturday 10-10', () => {
    assert.equal(answerDeadlines('2026-10-09T10:00:00Z', 'yellow', false, S).deadlineAt, '2026-10-10T09:30:00.000Z');
  });

  test('a 批示 given on the make-up Saturday 10-10 runs 3 working days: Mon, Tue, Wed → 10-14', () => {
    assert.equal(localDate(instructionDue('2026-10-10T02:00:00Z', S)), '2026-10-14');
  });

  test('a 批示 given before National Day skips the whole holiday', () => {
    // Tue 09-29 10:00 → 09-30, 10-08, 10-09.
    assert.equal(localDate(instructionDue('2026-09-29T02:00:00Z', S)), '2026-10-09');
  });

  test('an emergency runs in plain hours through the holiday: 5 h information, 24 h press conference', () => {
    const d = answerDeadlines('2026-10-02T14:00:00Z', 'red', true, S);
    assert.equal(d.deadlineKind, 'emergency_5h');
    assert.equal(d.deadlineAt, '2026-10-02T19:00:00.000Z');
    assert.equal(d.pressDeadlineAt, '2026-10-03T14:00:00.000Z');
  });

  test('the emergency flag on a minor (blue/yellow) case does not start the emergency clocks', () => {
    assert.equal(answerDeadlines('2026-10-02T14:00:00Z', 'yellow', true, S).deadlineKind, 'same_day');
  });

  test('without the same-day rule, other 政务舆情 get 48 hours', () => {
    const d = answerDeadlines('2026-10-02T14:00:00Z', 'yellow', false, { ...S, same_day: false });
    assert.equal(d.deadlineKind, 'hours_48');
    assert.equal(d.deadlineAt, '2026-10-04T14:00:00.000Z');
  });
});

for (const tdb of testDatabases) {
  describe(`reminders and overdue alerts [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let depts: Record<string, number>;
    let sourceId: number;

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      depts = await seedOrg(db);
      ctx = createContext(db, loadConfig({}), createLogger('silent'));
      sourceId = await insertSource(db);
      await insertChannel(db, '建设科群', depts.jsk);
      await insertChannel(db, '办公室群', depts.office);
      await insertChannel(db, '住房科群', depts.zfk);
    });
    after(async () => drop());

    async function open(foundAt: string, level: RiskLevel = 'yellow', emergency = false) {
      const post = await insertPost(db, sourceId, { departmentId: depts.jsk, level, fetchedAt: foundAt });
      return db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { post_ids: [post], lead_department_id: depts.jsk, emergency }, { foundAt }));
    }
    async function alertsOf(caseId: number) {
      return db.kysely.selectFrom('alerts').innerJoin('channels', 'channels.id', 'alerts.channel_id').select(['alerts.kind', 'channels.name', 'alerts.title']).where('case_id', '=', caseId).orderBy('alerts.id').execute();
    }

    test('a case found before the make-up Sunday is due that Sunday; reminded once before, alerted and marked after', async () => {
      const c = await open('2026-09-19T03:00:00Z');
      assert.equal(c.deadline_at, '2026-09-20T09:30:00.000Z');
      assert.equal((await checkDeadlines(ctx, new Date('2026-09-20T02:00:00Z'))).reminders, 0, 'too early for a reminder');
      const r1 = await checkDeadlines(ctx, new Date('2026-09-20T08:00:00Z'));
      assert.equal(r1.reminders, 2, 'the lead department and the office');
      const again = await checkDeadlines(ctx, new Date('2026-09-20T08:30:00Z'));
      assert.equal(again.reminders, 0, 'the same reminder is not sent twice');
      const r2 = await checkDeadlines(ctx, new Date('2026-09-20T09:31:00Z'));
      assert.deepEqual(r2.marked, [c.id]);
      const alerts = await alertsOf(c.id);
      assert.deepEqual(alerts.map((a) => `${a.kind}@${a.name}`), ['case.deadline@建设科群', 'case.deadline@办公室群', 'case.overdue@建设科群', 'case.overdue@办公室群']);
      assert.match(alerts[2].title, /已超期.*当日答复.*2026-09-20 17:30/);
      const row = await db.kysely.selectFrom('cases').select('overdue').where('id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal(row.overdue, 1);
      const ev = await db.kysely.selectFrom('case_events').select('kind').where('case_id', '=', c.id).where('kind', '=', 'overdue').execute();
      assert.equal(ev.length, 1);
      await checkDeadlines(ctx, new Date('2026-09-21T09:31:00Z'));
      assert.equal((await alertsOf(c.id)).length, 4, 'no repeated overdue alert');
    });

    test('a case found on National Day is not reminded during the holiday and is due on 10-08', async () => {
      const c = await open('2026-10-02T03:00:00Z');
      assert.equal(localDate(c.deadline_at!), '2026-10-08');
      await checkDeadlines(ctx, new Date('2026-10-05T03:00:00Z'));
      assert.equal((await alertsOf(c.id)).length, 0);
      await db.kysely.updateTable('cases').set({ state: 'replied', replied_at: '2026-10-08T02:00:00Z' }).where('id', '=', c.id).execute();
      await checkDeadlines(ctx, new Date('2026-10-09T02:00:00Z'));
      assert.equal((await alertsOf(c.id)).length, 0, 'a replied case owes nothing');
      await db.kysely.updateTable('cases').set({ state: 'drafting' }).where('id', '=', c.id).execute();
      const r = await checkDeadlines(ctx, new Date('2026-10-09T02:00:00Z'));
      assert.equal((await alertsOf(c.id)).length, 0, 'drafting a follow-up reply after answering does not reopen the clock');
      assert.ok(!r.marked.includes(c.id));
    });

    test('an emergency is alerted after 5 hours even on a holiday, and its press conference clock after 24', async () => {
      const c = await open('2026-10-03T01:00:00Z', 'red', true);
      assert.equal(c.deadline_kind, 'emergency_5h');
      await checkDeadlines(ctx, new Date('2026-10-03T05:10:00Z'));
      assert.deepEqual((await alertsOf(c.id)).map((a) => a.kind), ['case.deadline', 'case.deadline']);
      await checkDeadlines(ctx, new Date('2026-10-03T06:01:00Z'));
      await db.kysely.updateTable('cases').set({ state: 'replied' }).where('id', '=', c.id).execute();
      await checkDeadlines(ctx, new Date('2026-10-04T01:01:00Z'));
      const kinds = (await alertsOf(c.id)).map((a) => a.title);
      assert.equal(kinds.filter((k) => /24小时内举行新闻发布会/.test(k) && /已超期/.test(k)).length, 2);
      assert.equal(kinds.filter((k) => /5小时内发布权威信息/.test(k) && /已超期/.test(k)).length, 2);
    });

    test('commitments and 批示 are reminded before and alerted after their due dates', async () => {
      const c = await open('2026-11-24T02:00:00Z');
      const now = nowIso();
      const com = await db.kysely
        .insertInto('commitments')
        .values({ case_id: c.id, what: '修复路面', department_id: depts.zfk, due_at: '2026-11-30T09:30:00.000Z', status: 'open', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const memo = await db.kysely.insertInto('memos').values({ case_id: c.id, number: `${c.number}-1`, summary: 's', created_at: now }).returning('id').executeTakeFirstOrThrow();
      await db.kysely.insertInto('instructions').values({ memo_id: memo.id, text: '请办理', at: '2026-11-24T03:00:00Z', due_at: instructionDue('2026-11-24T03:00:00Z', S) }).execute();
      await db.kysely.updateTable('cases').set({ state: 'following_up' }).where('id', '=', c.id).execute();
      // The 批示 of Tue 11-24 runs Wed, Thu, Fri: due Fri 11-27 17:30 (09:30Z).
      await checkDeadlines(ctx, new Date('2026-11-27T08:00:00Z'));
      let titles = (await alertsOf(c.id)).map((a) => `${a.name}:${a.title}`);
      assert.deepEqual(titles, ['建设科群:【批示即将到期】处置单 2026-0004 的领导批示须在 2026-11-27 17:30 前办理', '办公室群:【批示即将到期】处置单 2026-0004 的领导批示须在 2026-11-27 17:30 前办理'].map((x) => x.replace('2026-0004', c.number)));
      // Two days before the commitment's due date: reminded, to the owner department's channel.
      await checkDeadlines(ctx, new Date('2026-11-28T10:00:00Z'));
      titles = (await alertsOf(c.id)).map((a) => `${a.name}:${a.title}`);
      assert.ok(titles.some((t) => t.startsWith('住房科群:【整改承诺即将到期】')), titles.join('\n'));
      assert.ok(titles.some((t) => t.startsWith('建设科群:【批示办理已超期】')), titles.join('\n'));
      await checkDeadlines(ctx, new Date('2026-12-01T00:00:00Z'));
      titles = (await alertsOf(c.id)).map((a) => `${a.name}:${a.title}`);
      assert.ok(titles.some((t) => t.startsWith('住房科群:【整改承诺已超期】')));
      await db.kysely.updateTable('commitments').set({ status: 'done' }).where('id', '=', com.id).execute();
      const n = (await alertsOf(c.id)).length;
      await checkDeadlines(ctx, new Date('2026-12-02T00:00:00Z'));
      assert.equal((await alertsOf(c.id)).length, n);
    });

    test('a reply recorded after the deadline marks the case overdue even before the watch runs', async () => {
      const c = await open('2026-09-21T02:00:00Z');
      const office: Actor = { id: null, name: '办公室', role: 'office', departmentId: depts.office, via: 'api' };
      await assignCase(db.kysely, office, c.id, {});
      const r = await draftResponse(db.kysely, office, c.id, { situation: '经核实，该路段施工已于本周完成并恢复通行', measures: '我局将加强对施工单位的日常巡查' });
      await submitResponse(db.kysely, office, r.id);
      await approveResponse(db.kysely, office, r.id);
      await recordPosted(db.kysely, office, r.id, { url: 'http://127.0.0.1/thread/9', posted_at: '2026-09-22T01:00:00Z' });
      const row = await db.kysely.selectFrom('cases').select(['overdue', 'replied_at', 'state']).where('id', '=', c.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { overdue: 1, replied_at: '2026-09-22T01:00:00.000Z', state: 'replied' });
    });

    test('settings change the rule: without same-day, the 48-hour clock applies', async () => {
      await storeCaseSettings(db.kysely, { ...S, same_day: false });
      const c = await open('2026-11-25T01:00:00Z');
      assert.equal(c.deadline_kind, 'hours_48');
      assert.equal(c.deadline_at, '2026-11-27T01:00:00.000Z');
      await storeCaseSettings(db.kysely, S);
    });

    test('a department that runs the 48-hour clock: its cases get 48 hours, and assigning or reassigning re-runs the clock', async () => {
      const admin: Actor = { id: null, name: 'admin', role: 'admin', departmentId: null, via: 'api' };
      const office: Actor = { id: null, name: '办公室', role: 'office', departmentId: depts.office, via: 'api' };
      await updateDepartment(db.kysely, admin, depts.zfk, { general_hours: true });
      // Opened for 建设科 (same working day), then assigned to 住房科 (48 hours): the deadline re-runs from the finding.
      const c = await open('2026-11-25T01:00:00Z');
      assert.equal(c.deadline_kind, 'same_day');
      const toZfk = await assignCase(db.kysely, office, c.id, { lead_department_id: depts.zfk });
      assert.equal(toZfk.deadline_kind, 'hours_48');
      assert.equal(toZfk.deadline_at, '2026-11-27T01:00:00.000Z');
      // Reassigned back: the same working day again.
      const back = await assignCase(db.kysely, office, c.id, { lead_department_id: depts.jsk });
      assert.equal(back.deadline_kind, 'same_day');
      assert.equal(back.deadline_at, c.deadline_at);
      // Opened with 住房科 as lead: 48 hours at once.
      const post = await insertPost(db, sourceId, { departmentId: depts.zfk, level: 'yellow', fetchedAt: '2026-11-25T01:00:00Z' });
      const direct = await db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { post_ids: [post], lead_department_id: depts.zfk }, { foundAt: '2026-11-25T01:00:00Z' }));
      assert.equal(direct.deadline_kind, 'hours_48');
      // An emergency keeps its 5-hour clock whatever the department.
      const red = await open('2026-11-25T01:00:00Z', 'red', true);
      const redAssigned = await assignCase(db.kysely, office, red.id, { lead_department_id: depts.zfk });
      assert.equal(redAssigned.deadline_kind, 'emergency_5h');
      // A replied case keeps its deadline.
      await db.kysely.updateTable('cases').set({ state: 'replied', replied_at: '2026-11-25T02:00:00Z' }).where('id', '=', back.id).execute();
      await db.kysely.updateTable('cases').set({ state: 'escalated' }).where('id', '=', back.id).execute();
      const after = await assignCase(db.kysely, office, back.id, { lead_department_id: depts.zfk });
      assert.equal(after.deadline_kind, 'same_day', 'an answered case does not get a new clock');
      await updateDepartment(db.kysely, admin, depts.zfk, { general_hours: false });
    });
  });
}
