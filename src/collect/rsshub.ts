import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';

/**
 * Where people talk today (微博, 公众号, 抖音, B 站, 知乎, 小红书, 头条, 人民网领导留言板) reached
 * through the workspace's own RSSHub (https://docs.rsshub.app): a catalogue of RSSHub routes
 * with zh-CN names and parameters (`rsshub.<id>…` in src/i18n/zh-CN/rsshub.ts). A route with
 * its parameters filled in is a feed URL on the workspace's RSSHub address (settings key
 * `rsshub`), stored as an ordinary feed source. Paths follow RSSHub's lib/routes/<namespace>.
 */
export interface RsshubParam {
  name: string;
  /** Part of the path only when given (RSSHub's `:name?`). */
  optional?: boolean;
  /** A fixed value (no field): e.g. 小红书's `notes` category. */
  fixed?: string;
}

export interface RsshubRoute {
  id: string;
  platform: 'weibo' | 'wechat' | 'douyin' | 'bilibili' | 'zhihu' | 'xiaohongshu' | 'toutiao' | 'people';
  /** RSSHub's path, `:name` for each parameter. */
  path: string;
  params: RsshubParam[];
  /** RSSHub needs a logged-in cookie (its `*_COOKIES` variable) or a headless browser for it. */
  needs: ('cookie' | 'browser')[];
}

export const RSSHUB_ROUTES: readonly RsshubRoute[] = [
  { id: 'weibo-user', platform: 'weibo', path: '/weibo/user/:uid', params: [{ name: 'uid' }], needs: ['cookie'] },
  { id: 'weibo-keyword', platform: 'weibo', path: '/weibo/keyword/:keyword', params: [{ name: 'keyword' }], needs: ['cookie', 'browser'] },
  { id: 'wechat-sogou', platform: 'wechat', path: '/wechat/sogou/:id', params: [{ name: 'id' }], needs: [] },
  { id: 'wechat-homepage', platform: 'wechat', path: '/wechat/mp/homepage/:biz/:hid/:cid', params: [{ name: 'biz' }, { name: 'hid' }, { name: 'cid', optional: true }], needs: [] },
  { id: 'douyin-user', platform: 'douyin', path: '/douyin/user/:uid', params: [{ name: 'uid' }], needs: ['browser'] },
  { id: 'douyin-hashtag', platform: 'douyin', path: '/douyin/hashtag/:cid', params: [{ name: 'cid' }], needs: ['browser'] },
  { id: 'bilibili-dynamic', platform: 'bilibili', path: '/bilibili/user/dynamic/:uid', params: [{ name: 'uid' }], needs: ['cookie'] },
  { id: 'zhihu-activities', platform: 'zhihu', path: '/zhihu/people/activities/:id', params: [{ name: 'id' }], needs: ['cookie'] },
  { id: 'xiaohongshu-user', platform: 'xiaohongshu', path: '/xiaohongshu/user/:user_id/:category', params: [{ name: 'user_id' }, { name: 'category', fixed: 'notes' }], needs: ['cookie'] },
  { id: 'toutiao-user', platform: 'toutiao', path: '/toutiao/user/token/:token', params: [{ name: 'token' }], needs: [] },
  { id: 'people-liuyan', platform: 'people', path: '/people/liuyan/:id', params: [{ name: 'id' }], needs: [] },
];

export function rsshubRoute(id: string): RsshubRoute | null {
  return RSSHUB_ROUTES.find((r) => r.id === id) ?? null;
}

/** The route's feed URL on the given RSSHub address; a missing parameter is a zh-CN error naming it. */
export function rsshubUrl(base: string, route: RsshubRoute, values: Record<string, string | undefined>): string {
  let path = route.path;
  for (const p of route.params) {
    const v = (p.fixed ?? values[p.name] ?? '').trim();
    if (!v && !p.optional) throw new ValidationError(`rsshub ${route.id}: ${p.name} missing`, t('form.issue.required', { field: t(`rsshub.${route.id}.${p.name}`) }), { fields: [{ path: ['params', p.name], message: t('form.issue.required', { field: t(`rsshub.${route.id}.${p.name}`) }) }] });
    path = path.replace(`/:${p.name}`, v ? `/${encodeURIComponent(v)}` : '');
  }
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** The catalogue route a feed URL on the RSSHub address is, with its parameters; null for any other URL. */
export function matchRsshubUrl(base: string | null, url: string): { route: RsshubRoute; params: Record<string, string> } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (base) {
    try {
      if (new URL(base).origin !== u.origin) return null;
    } catch {
      return null;
    }
  }
  const prefix = base ? new URL(base).pathname.replace(/\/+$/, '') : '';
  const path = u.pathname.slice(prefix.length).split('/').filter(Boolean);
  for (const route of RSSHUB_ROUTES) {
    const parts = route.path.split('/').filter(Boolean);
    const required = parts.filter((p) => !route.params.find((x) => `:${x.name}` === p)?.optional).length;
    if (path.length < required || path.length > parts.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      if (!part.startsWith(':')) return path[i] === part;
      const spec = route.params.find((x) => `:${x.name}` === part)!;
      if (path[i] === undefined) return !!spec.optional;
      if (spec.fixed && path[i] !== spec.fixed) return false;
      if (!spec.fixed) params[spec.name] = decodeURIComponent(path[i]!);
      return true;
    });
    if (ok) return { route, params };
  }
  return null;
}

/** The catalogue as the console shows it: zh-CN names, parameters with help, what RSSHub needs. */
export function rsshubCatalogue() {
  return RSSHUB_ROUTES.map((r) => ({
    id: r.id,
    platform: r.platform,
    platform_name: t(`rsshub.platform.${r.platform}`),
    name: t(`rsshub.${r.id}.name`),
    path: r.path,
    params: r.params.filter((p) => !p.fixed).map((p) => ({ name: p.name, label: t(`rsshub.${r.id}.${p.name}`), help: t(`rsshub.${r.id}.${p.name}.help`), optional: !!p.optional })),
    needs: r.needs.map((n) => t(`rsshub.needs.${n}`)),
  }));
}

export const rsshubRouteSchema = shapeOf<ReturnType<typeof rsshubCatalogue>[number]>()({
  id: z.string(),
  platform: z.enum(['weibo', 'wechat', 'douyin', 'bilibili', 'zhihu', 'xiaohongshu', 'toutiao', 'people']),
  platform_name: z.string(),
  name: z.string(),
  path: z.string().describe("RSSHub's route path"),
  params: z.array(z.object({ name: z.string(), label: z.string(), help: z.string(), optional: z.boolean() })),
  needs: z.array(z.string()).describe('what the RSSHub instance needs for this route (zh-CN)'),
});

/** The workspace's RSSHub address (settings key `rsshub`); null until someone sets it. */
export const rsshubSettingsSchema = z.object({ base_url: z.string().url().max(500).nullable() });
export type RsshubSettings = z.infer<typeof rsshubSettingsSchema>;
const rsshubSettingsJson = jsonColumn('settings.rsshub', rsshubSettingsSchema);

export async function loadRsshubSettings(db: Kysely<Database> | Transaction<Database>): Promise<RsshubSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'rsshub').executeTakeFirst();
  return readJson(rsshubSettingsJson, row?.value, { base_url: null });
}

/** Sets the RSSHub address (an http(s) URL), audited. */
export async function changeRsshubSettings(db: Kysely<Database>, actor: Actor, next: RsshubSettings): Promise<RsshubSettings> {
  assertCan(actor, 'sources.manage');
  const base = next.base_url?.trim().replace(/\/+$/, '') || null;
  if (base && !/^https?:\/\/[^\s/]+/i.test(base)) throw new ValidationError(`bad rsshub address ${base}`, t('rsshub.badAddress'), { fields: [{ path: ['base_url'], message: t('rsshub.badAddress') }] });
  const value: RsshubSettings = { base_url: base };
  return db.transaction().execute(async (trx) => {
    const before = await loadRsshubSettings(trx);
    const now = nowIso();
    await trx
      .insertInto('settings')
      .values({ key: 'rsshub', value: toJson(value), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: toJson(value), updated_at: now }))
      .execute();
    await recordAudit(trx, actor, { action: 'settings.rsshub', entity: 'settings', entityId: 'rsshub', before, after: value });
    return value;
  });
}
