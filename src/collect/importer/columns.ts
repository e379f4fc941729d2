import { z } from 'zod';

/** Fields an imported column can fill. */
export const IMPORT_FIELDS = ['id', 'title', 'text', 'author', 'published_at', 'url', 'views', 'replies', 'likes', 'reposts', 'dislikes', 'reply_text', 'reply_time', 'reply_author', 'ignore'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const importColumnMap = z.record(z.string().min(1), z.enum(IMPORT_FIELDS));

/**
 * Column names understood without a mapping: the 12345 hotline and 网络问政 exports
 * (留言编号/留言主题/留言时间/留言详情/留言用户/点赞数/反对数/答复意见 …) and plain English names.
 */
const DEFAULTS: Record<ImportField, string[]> = {
  id: ['留言编号', '编号', '工单编号', '工单号', '信件编号', '序号id', 'id', 'external_id', 'guid'],
  title: ['留言主题', '主题', '标题', '诉求标题', '信件标题', '事项标题', 'title', 'subject'],
  text: ['留言详情', '留言内容', '详情', '内容', '正文', '诉求内容', '来电内容', '信件内容', '问题描述', 'text', 'content', 'body'],
  author: ['留言用户', '留言人', '用户', '作者', '发帖人', '来电人', '姓名', 'author', 'user', 'username'],
  published_at: ['留言时间', '时间', '发布时间', '发帖时间', '来电时间', '受理时间', '创建时间', '日期', 'published_at', 'date', 'time', 'created_at'],
  url: ['链接', '网址', '原文链接', 'url', 'link'],
  views: ['浏览数', '浏览量', '阅读数', '阅读量', '点击数', 'views'],
  replies: ['回复数', '评论数', '跟帖数', 'replies', 'comments'],
  likes: ['点赞数', '赞同数', '支持数', 'likes'],
  reposts: ['转发数', '分享数', 'reposts', 'shares'],
  dislikes: ['反对数', '踩', 'dislikes'],
  reply_text: ['答复意见', '回复内容', '办理结果', '答复内容', 'reply', 'reply_text'],
  reply_time: ['答复时间', '回复时间', '办结时间', 'reply_time'],
  reply_author: ['答复单位', '承办单位', '办理单位', 'reply_author'],
  ignore: [],
};

const defaultLookup = new Map<string, ImportField>();
for (const [field, names] of Object.entries(DEFAULTS) as [ImportField, string[]][]) for (const n of names) defaultLookup.set(n.toLowerCase(), field);

/** Parses `col=field,col2=field2` from the command line. */
export function parseMapOption(text: string): Record<string, ImportField> {
  const out: Record<string, ImportField> = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new Error(`bad --map entry "${pair}": expected column=field`);
    const col = pair.slice(0, eq).trim();
    const field = pair.slice(eq + 1).trim();
    if (!(IMPORT_FIELDS as readonly string[]).includes(field)) throw new Error(`bad --map entry "${pair}": unknown field "${field}" (fields: ${IMPORT_FIELDS.join(', ')})`);
    out[col] = field as ImportField;
  }
  return out;
}

/** Which field each header fills: explicit mapping first, then the default names. Unmapped columns are kept as extra. */
export function resolveColumns(headers: string[], map: Record<string, string> = {}): Map<string, ImportField> {
  const out = new Map<string, ImportField>();
  const explicit = new Map(Object.entries(map).map(([k, v]) => [k.trim().toLowerCase(), v as ImportField]));
  for (const h of headers) {
    const key = h.trim().toLowerCase();
    const f = explicit.get(key) ?? defaultLookup.get(key);
    if (f) out.set(h, f);
  }
  return out;
}
