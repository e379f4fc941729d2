import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { createLogger } from '../../src/log.ts';

export function testContext(db: Db): AppContext {
  return createContext(db, loadConfig({}), createLogger('silent'));
}

let seq = 0;

export async function insertSource(db: Db, name: string, weight = 1): Promise<number> {
  const now = nowIso();
  const row = await db.kysely
    .insertInto('sources')
    .values({ name, kind: 'manual', url: null, config: '{}', interval_seconds: 300, weight, department_id: null, paused: 0, push_token_hash: null, etag: null, last_modified: null, last_success_at: null, last_error: null, last_error_at: null, error_streak: 0, next_check_at: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertPost(
  db: Db,
  sourceId: number,
  p: { title?: string; text: string; published_at?: string | null; author?: string; views?: number; replies?: number },
): Promise<number> {
  const now = nowIso();
  const row = await db.kysely
    .insertInto('posts')
    .values({
      source_id: sourceId,
      external_id: null,
      dedup_key: `t${++seq}-${Math.random()}`,
      url: null,
      title: p.title ?? '',
      text: p.text,
      content_html: null,
      author: p.author ?? null,
      published_at: p.published_at ?? null,
      fetched_at: now,
      updated_at: now,
      views: p.views ?? 0,
      replies_count: p.replies ?? 0,
      likes: 0,
      reposts: 0,
      near_duplicate_of: null,
      event_id: null,
      sentiment_label: null,
      sentiment_score: null,
      topic: null,
      department_id: null,
      risk_level: null,
      risk_score: null,
      abuse: 0,
      analysis: null,
      analyzed_at: null,
      segmented: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Variations on one matter (an estate's late delivery) and an unrelated one, written for these tests. */
export const SAME_MATTER = [
  '幸福花园小区交房延期一年，开发商拒绝赔偿违约金，业主要求住建局介入调查。',
  '幸福花园交房又延期了，开发商说赔偿违约金不可能，业主希望住建局介入。',
  '住建局能不能管管幸福花园？交房延期快一年，开发商拒绝赔偿违约金，业主很无奈。',
  '幸福花园业主再次反映交房延期，开发商拒绝赔偿，请住建局介入调查违约金问题。',
  '幸福花园交房延期一年多，开发商拒绝支付违约金，业主要求住建局尽快介入。',
  '关于幸福花园交房延期：开发商拒绝赔偿违约金，业主要求住建局介入。',
  '幸福花园小区业主：交房延期，开发商拒绝赔偿违约金，住建局何时介入？',
];
export const OTHER_MATTER = '城东菜市场门口的路灯坏了半个月，晚上买菜的老人看不清路，希望尽快修好。';

/** A second matter, for bursts: night-time piling on a road. */
export const NOISE_MATTER = [
  '沿港西路工地夜间施工打桩，噪音扰民，居民无法休息。',
  '沿港西路夜间打桩施工噪音太大，附近居民整夜无法休息。',
  '又是沿港西路工地，夜间施工打桩到凌晨，居民无法休息，噪音扰民。',
  '沿港西路工地夜间打桩噪音扰民，居民投诉多次仍无法休息。',
  '沿港西路夜间施工噪音扰民问题何时解决？打桩声让居民无法休息。',
  '投诉沿港西路工地夜间施工打桩，噪音扰民，居民无法正常休息。',
];
