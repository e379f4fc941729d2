import type { SentimentLabel } from '../../src/analyze/vocabulary.ts';
import type { CommitmentStatus } from '../../src/cases/commitment-states.ts';
import type { CaseState } from '../../src/cases/states.ts';
import type { CaseEventKind } from '../../src/cases/vocabulary.ts';
import type { Db } from '../../src/db/connect.ts';
import type { RiskLevel } from '../../src/levels.ts';
import { seedOrg } from '../helpers/fixtures.ts';

/**
 * A hand-counted October 2026 for the report tests (Beijing time, +08:00). National Day runs
 * 10-01..10-07 with make-up working days Sun 09-20 and Sat 10-10.
 *
 * Posts in October (9): P2 10-01 00:30 (UTC 09-30!), P3–P7 on 10-05 (event 某小区停水), P8 10-10,
 * P9 10-20, P10 10-31 23:59:59. P1 (09-30 23:00) and P11 (11-01 00:00) are outside.
 *
 * Cases in October: 建设科 C1 C2 C3, 住房保障科 C4 C5 C6 (see the test for the hand counts).
 */
export const AS_OF = '2026-11-01T04:00:00.000Z';

const bj = (local: string) => new Date(`${local}+08:00`).toISOString();

export interface Fixture {
  dept: Record<string, number>;
  eventId: number;
  cases: Record<string, number>;
  posts: Record<string, number>;
}

export async function seedReportFixture(db: Db): Promise<Fixture> {
  const k = db.kysely;
  const dept = await seedOrg(db);
  const now = new Date().toISOString();
  const source = async (name: string) =>
    (await k.insertInto('sources').values({ name, kind: 'feed', config: '{}', interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
  const forum = await source('县论坛');
  const board = await source('公众留言板');
  const event = await k
    .insertInto('events')
    .values({ title: '某小区停水', topic: '供水', first_seen_at: bj('2026-10-05T08:00:00'), last_seen_at: bj('2026-10-05T20:00:00'), post_count: 5, risk_level: 'red', burst: 1, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();

  type P = [name: string, at: string, src: number, topic: string | null, sentiment: SentimentLabel, risk: RiskLevel, dept: string | null, event: boolean, likes: number, title: string];
  const list: P[] = [
    ['P1', '2026-09-30T23:00:00', forum, '住房', 'negative', 'blue', 'zfk', false, 0, '九月的帖子'],
    ['P2', '2026-10-01T00:30:00', forum, '住房', 'neutral', 'blue', 'zfk', false, 0, '国庆第一天咨询公租房'],
    ['P3', '2026-10-05T08:00:00', forum, '供水', 'negative', 'red', 'jsk', true, 50, '阳光花园小区停水三天无人管'],
    ['P4', '2026-10-05T09:00:00', forum, '供水', 'negative', 'orange', 'jsk', true, 20, '阳光花园停水何时恢复'],
    ['P5', '2026-10-05T12:00:00', forum, '供水', 'negative', 'yellow', 'jsk', true, 5, '阳光花园小区停水老人做不了饭'],
    ['P6', '2026-10-05T15:00:00', board, '供水', 'negative', 'yellow', 'jsk', true, 3, '阳光花园停水问题请建设局处理'],
    ['P7', '2026-10-05T20:00:00', board, '供水', 'neutral', 'blue', 'jsk', true, 0, '阳光花园小区停水进展'],
    ['P8', '2026-10-10T09:00:00', forum, '住房', 'neutral', 'blue', 'zfk', false, 0, '调休上班日咨询房补'],
    ['P9', '2026-10-20T14:00:00', board, '住房', 'negative', 'blue', 'zfk', false, 1, '公租房维修仍未落实'],
    ['P10', '2026-10-31T23:59:59', board, null, 'positive', 'blue', null, false, 0, '感谢城管及时清理'],
    ['P11', '2026-11-01T00:00:00', board, '住房', 'negative', 'blue', 'zfk', false, 0, '十一月的帖子'],
  ];
  const posts: Record<string, number> = {};
  for (const [name, at, src, topic, sentiment, risk, d, inEvent, likes, title] of list) {
    const row = await k
      .insertInto('posts')
      .values({
        source_id: src,
        dedup_key: `${src}:${name}`,
        title,
        text: `${title}。`,
        published_at: bj(at),
        fetched_at: bj(at),
        updated_at: now,
        views: 0,
        replies_count: 0,
        likes,
        reposts: 0,
        topic,
        sentiment_label: sentiment,
        risk_level: risk,
        department_id: d ? dept[d] : null,
        event_id: inEvent ? event.id : null,
        abuse: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    posts[name] = row.id;
  }

  await k.insertInto('watch_periods').values({ name: '某楼盘开盘', keywords: '[]', starts_at: bj('2026-10-18T00:00:00'), ends_at: bj('2026-10-22T23:59:59'), boost: 1.5, created_at: now, updated_at: now }).execute();

  type C = [name: string, d: string, opened: string, deadline: string | null, repliedAt: string | null, level: RiskLevel, state: CaseState];
  const caseList: C[] = [
    ['C0', 'jsk', '2026-09-29T10:00:00', null, '2026-09-29T11:00:00', 'blue', 'closed'],
    // Fri 10:00 → Sat (make-up workday) 09:30: late; 7.5 h + 1 h = 8.5 working hours.
    ['C1', 'jsk', '2026-10-09T10:00:00', '2026-10-09T17:30:00', '2026-10-10T09:30:00', 'blue', 'escalated'],
    // Found on a holiday (10-06): due at close of the first working day, 10-08; replied 10-08 09:00, 0.5 h.
    ['C2', 'jsk', '2026-10-06T10:00:00', null, '2026-10-08T09:00:00', 'blue', 'closed'],
    // Sat make-up workday 16:30 → Mon 09:30: late; 1 h + 1 h = 2 working hours. replied_at from the response.
    ['C3', 'jsk', '2026-10-10T16:30:00', '2026-10-10T17:30:00', null, 'orange', 'following_up'],
    ['C4', 'zfk', '2026-10-20T09:00:00', '2026-10-20T17:30:00', '2026-10-20T11:00:00', 'blue', 'closed'],
    ['C5', 'zfk', '2026-10-21T10:00:00', '2026-10-21T17:30:00', null, 'blue', 'drafting'],
    ['C6', 'zfk', '2026-10-30T15:00:00', '2026-11-02T17:30:00', null, 'blue', 'assigned'],
  ];
  const cases: Record<string, number> = {};
  let seq = 0;
  for (const [name, d, opened, deadline, repliedAt, level, state] of caseList) {
    seq++;
    const row = await k
      .insertInto('cases')
      .values({
        number: `2026-${String(seq).padStart(4, '0')}`,
        year: 2026,
        seq,
        title: `处置单 ${name}`,
        state,
        level,
        lead_department_id: dept[d],
        opened_at: bj(opened),
        deadline_at: deadline ? bj(deadline) : null,
        replied_at: repliedAt ? bj(repliedAt) : null,
        overdue: 0,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    cases[name] = row.id;
  }
  const response = async (c: string, d: string, posted: string, verified: boolean) =>
    k
      .insertInto('responses')
      .values({ case_id: cases[c], body: '感谢关注……', department_id: dept[d], status: 'posted', drafted_at: bj(posted), posted_at: bj(posted), verified_at: verified ? bj(posted) : null, attachments: '[]', updated_at: now })
      .execute();
  await response('C1', 'jsk', '2026-10-10T09:30:00', true);
  await response('C2', 'jsk', '2026-10-08T09:00:00', false);
  await response('C3', 'jsk', '2026-10-12T09:30:00', true);
  await response('C4', 'zfk', '2026-10-20T11:00:00', true);

  await k.insertInto('case_posts').values([{ case_id: cases.C2, post_id: posts.P7 }, { case_id: cases.C4, post_id: posts.P9 }]).execute();
  const ev = (c: string, at: string, kind: CaseEventKind, to: CaseState | null, data: unknown) =>
    k.insertInto('case_events').values({ case_id: cases[c], at: bj(at), kind, to_state: to, data: data === null ? null : JSON.stringify(data) }).execute();
  await ev('C1', '2026-10-11T10:00:00', 'escalate', 'escalated', { to: 'office' });
  await ev('C3', '2026-10-13T10:00:00', 'update', null, { level: 'red' });
  await ev('C4', '2026-10-22T10:00:00', 'rating', null, { score: 5 });
  await ev('C2', '2026-10-09T10:00:00', 'rating', null, { mark: '不满意' });

  const memo = async (c: string, number: string, at: string, handled: string) => {
    const m = await k.insertInto('memos').values({ case_id: cases[c], number, summary: '抄告', created_at: bj(at) }).returning('id').executeTakeFirstOrThrow();
    await k.insertInto('instructions').values({ memo_id: m.id, text: '请妥善处理', at: bj(at), handled_at: bj(handled) }).execute();
  };
  // Thu 10-08 → 3 working days with the make-up Saturday: 10-09, 10-10, 10-12; handled 10-13 is late.
  await memo('C1', 'M-1', '2026-10-08T10:00:00', '2026-10-13T10:00:00');
  await memo('C4', 'M-2', '2026-10-20T10:00:00', '2026-10-21T10:00:00');

  const commitment = (c: string, d: string, due: string, done: string | null, status: CommitmentStatus) =>
    k.insertInto('commitments').values({ case_id: cases[c], what: '整改', department_id: dept[d], due_at: due, status, done_at: done, created_at: now, updated_at: now }).execute();
  await commitment('C2', 'jsk', '2026-10-15', bj('2026-10-15T16:00:00'), 'done');
  await commitment('C4', 'zfk', bj('2026-10-25T17:30:00'), null, 'open');
  await commitment('C4', 'zfk', bj('2026-10-26T17:30:00'), null, 'waived');

  return { dept, eventId: event.id, cases, posts };
}
