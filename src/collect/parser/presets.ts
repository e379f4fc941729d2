/**
 * CSS selectors for list and detail pages. A value is a selector, optionally `@attr` to read an
 * attribute instead of the text (`em span[title]@title`), and `||` separates fallbacks tried in
 * order. `@attr` alone reads the list item's own attribute (e.g. `@id`).
 */
export interface ListSelectors {
  item: string;
  title: string;
  link: string;
  id?: string;
  author?: string;
  time?: string;
  replies?: string;
  views?: string;
  likes?: string;
  next?: string;
}

export interface DetailSelectors {
  title?: string;
  body: string;
  author?: string;
  time?: string;
  views?: string;
  replies?: string;
  /** One element per reply (跟帖) or official answer. */
  reply?: string;
  reply_id?: string;
  reply_author?: string;
  reply_body?: string;
  reply_time?: string;
  /** Skip the first `reply` element (Discuz lists the thread's own post first). */
  reply_skip_first?: boolean;
}

export interface PageSelectors {
  list: ListSelectors;
  detail: DetailSelectors;
}

export type PresetName = 'discuz' | 'board';
export const PRESETS: readonly PresetName[] = ['discuz', 'board'];

const presets: Record<PresetName, PageSelectors> = {
  /** Discuz! X2.5/X3.x forum board (forumdisplay) and thread (viewthread) pages. */
  discuz: {
    list: {
      item: 'tbody[id^="normalthread_"]',
      id: '@id',
      title: 'a.s.xst || a.xst || th a[href*="thread"]',
      link: 'a.s.xst@href || a.xst@href || th a[href*="thread"]@href',
      author: 'td.by:eq(0) cite a || td.by:eq(0) cite',
      time: 'td.by:eq(0) em span[title]@title || td.by:eq(0) em',
      replies: 'td.num a.xi2 || td.num a',
      views: 'td.num em',
      next: 'a.nxt@href',
    },
    detail: {
      title: '#thread_subject || h1',
      body: 'td.t_f || div.t_fsz',
      author: '.authi a.xw1 || .pls .authi a',
      time: 'em[id^="authorposton"] span[title]@title || em[id^="authorposton"]',
      views: '.hm span.xi1',
      replies: '.hm span.xi1:eq(1)',
      reply: '#postlist > div[id^="post_"]',
      reply_id: '@id',
      reply_author: '.authi a.xw1 || .pls .authi a',
      reply_body: 'td.t_f',
      reply_time: 'em[id^="authorposton"] span[title]@title || em[id^="authorposton"]',
      reply_skip_first: true,
    },
  },
  /** A generic government message board (公众留言/领导信箱): the message and the official reply. */
  board: {
    list: {
      item: '.msg-list li || .message-list li || ul.list li || table.list tr',
      id: '@data-id',
      title: '.title a || a',
      link: '.title a@href || a@href',
      author: '.user || .author || .name',
      time: '.time || .date',
      replies: '.replies',
      views: '.views || .clicks',
      next: 'a.next@href || a[rel="next"]@href',
    },
    detail: {
      title: '.msg-title || h1',
      body: '.msg-content || .message-content || .content',
      author: '.msg-user || .author',
      time: '.msg-time || .time',
      views: '.views',
      reply: '.reply || .official-reply || .answer',
      reply_author: '.reply-dept || .dept || .answer-unit',
      reply_body: '.reply-content || .answer-content',
      reply_time: '.reply-time || .answer-time',
    },
  },
};

export function presetSelectors(name: PresetName): PageSelectors {
  return presets[name];
}

/** The preset's selectors with the source's own overrides on top. */
export function mergeSelectors(preset: PresetName | undefined, list: Partial<ListSelectors> = {}, detail: Partial<DetailSelectors> = {}): { list: ListSelectors | null; detail: DetailSelectors | null } {
  const base = preset ? presets[preset] : null;
  const l = { ...(base?.list ?? {}), ...stripUndefined(list) } as Partial<ListSelectors>;
  const d = { ...(base?.detail ?? {}), ...stripUndefined(detail) } as Partial<DetailSelectors>;
  return {
    list: l.item && l.title && l.link ? (l as ListSelectors) : null,
    detail: d.body ? (d as DetailSelectors) : null,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
