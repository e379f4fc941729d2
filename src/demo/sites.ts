import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { composePost, type DemoPost, type DemoReply, type DemoSiteKind } from './content.ts';
import { localDateTime } from '../time/format.ts';

/**
 * The demo's stand-in websites, served in-process on 127.0.0.1 so that the demo runs offline:
 *  - /forum/  a Discuz! X-style county forum board, in GBK like many real ones;
 *  - /board/  a government message board (公众留言) with list and detail pages;
 *  - /news/rss.xml  the county news site's 民生 column as RSS 2.0.
 * Each site has a backlog and then publishes a new post every interval, so the console keeps
 * receiving fresh items while the demo runs.
 */
export interface DemoSitesOptions {
  /** When the backlog starts; posts are spread between then and startedAt. */
  backlogHours?: number;
  backlog?: Partial<Record<DemoSiteKind, number>>;
  intervalSeconds?: Partial<Record<DemoSiteKind, number>>;
  now?: () => Date;
  seed?: number;
}

export interface DemoSites {
  url: string;
  forumListUrl: string;
  boardListUrl: string;
  newsFeedUrl: string;
  /** Posts published so far on a site, newest first. */
  posts(site: DemoSiteKind): DemoPost[];
  /** A reply posted on a forum thread (e.g. by a registered responder account). */
  addReply(threadId: number, author: string, text: string): DemoReply;
  close(): Promise<void>;
}

const DEFAULT_BACKLOG: Record<DemoSiteKind, number> = { forum: 14, board: 8, news: 5 };
const DEFAULT_INTERVAL: Record<DemoSiteKind, number> = { forum: 40, board: 75, news: 180 };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function localStamp(iso: string): string {
  // Sites show China time without a zone, as real county sites do.
  return localDateTime(iso);
}

export async function startDemoSites(opts: DemoSitesOptions = {}): Promise<DemoSites> {
  const now = opts.now ?? (() => new Date());
  const started = now().getTime();
  const backlogMs = (opts.backlogHours ?? 36) * 3600_000;
  const backlog = { ...DEFAULT_BACKLOG, ...opts.backlog };
  const interval = { ...DEFAULT_INTERVAL, ...opts.intervalSeconds };
  const seed = opts.seed ?? 2026;
  const extraReplies = new Map<number, DemoReply[]>();
  const cache = new Map<string, DemoPost>();

  function postAt(site: DemoSiteKind, n: number): DemoPost {
    const key = `${site}:${n}`;
    let p = cache.get(key);
    if (!p) {
      const count = backlog[site];
      const at = n <= count ? started - backlogMs + ((n - 0.5) / count) * backlogMs : started + (n - count) * interval[site] * 1000;
      p = composePost(site, n, new Date(at), seed);
      cache.set(key, p);
    }
    return p;
  }

  function published(site: DemoSiteKind): DemoPost[] {
    const count = backlog[site] + Math.max(0, Math.floor((now().getTime() - started) / (interval[site] * 1000)));
    const out: DemoPost[] = [];
    for (let n = count; n >= 1; n--) out.push(postAt(site, n));
    return out;
  }

  function repliesOf(p: DemoPost): DemoReply[] {
    const t = now().toISOString();
    return [...p.replies.filter((r) => r.publishedAt <= t), ...(extraReplies.get(p.id) ?? [])];
  }

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(body);
  };
  const gbk = (res: ServerResponse, html: string) => send(res, 200, 'text/html; charset=gbk', iconv.encode(html, 'gbk'));

  function forumList(): string {
    const rows = published('forum')
      .slice(0, 30)
      .map(
        (p) => `<tbody id="normalthread_${p.id}"><tr>
<td class="icn"><a href="thread-${p.id}-1-1.html" title="新窗口打开"><img src="static/image/common/folder_new.gif" /></a></td>
<th class="new"><a href="thread-${p.id}-1-1.html" onclick="atarget(this)" class="s xst">${escapeHtml(p.title)}</a></th>
<td class="by"><cite><a href="space-uid-${1000 + p.id}.html" c="1">${escapeHtml(p.author)}</a></cite><em><span>${localStamp(p.publishedAt)}</span></em></td>
<td class="num"><a href="thread-${p.id}-1-1.html" class="xi2">${repliesOf(p).length}</a><em>${p.views}</em></td>
</tr></tbody>`,
      )
      .join('\n');
    return `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>民生热线 - 清溪论坛 - Powered by Discuz!</title></head><body>
<div id="pt" class="bm cl"><div class="z"><a href="./">清溪论坛</a> <em>&rsaquo;</em> <a href="forum-2-1.html">民生热线</a></div></div>
<div id="threadlist" class="tl bm bmw"><div class="bm_c"><form method="post" name="moderate" id="moderate">
<table summary="forum_2" cellspacing="0" cellpadding="0" id="threadlisttableid">
${rows}
</table></form></div></div>
<div class="pg"><strong>1</strong><a href="forum-2-2.html" class="nxt">下一页</a></div>
</body></html>`;
  }

  function forumThread(id: number): string | null {
    const p = published('forum').find((x) => x.id === id);
    if (!p) return null;
    const post = (pid: number, author: string, at: string, text: string, first: boolean) => `<div id="post_${pid}"><table id="pid${pid}" class="plhin" summary="pid${pid}" cellspacing="0" cellpadding="0"><tr>
<td class="pls" rowspan="2"><div class="pi"><div class="authi"><a href="space-uid-${pid}.html" target="_blank" class="xw1">${escapeHtml(author)}</a></div></div></td>
<td class="plc"><div class="pi"><strong><a href="forum.php?mod=redirect&goto=findpost&ptid=${id}&pid=${pid}" id="postnum${pid}">${first ? '楼主' : `${pid % 100 + 1}#`}</a></strong>
<div class="pti"><div class="authi"><em id="authorposton${pid}">发表于 ${localStamp(at)}</em></div></div></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_${pid}">
${escapeHtml(text).replace(/\n/g, '<br />\n')}
</td></tr></table></div></div></div></td></tr></table></div>`;
    const replies = repliesOf(p)
      .map((r) => post(r.id, r.author, r.publishedAt, r.text, false))
      .join('\n');
    return `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>${escapeHtml(p.title)} - 民生热线 - 清溪论坛</title></head><body>
<div id="pt" class="bm cl"><div class="z"><a href="./">清溪论坛</a> <em>&rsaquo;</em> <a href="forum-2-1.html">民生热线</a></div></div>
<div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0"><tr><td class="pls ptn pbn"><div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">${p.views}</span><span class="pipe">|</span><span class="xg1">回复:</span> <span class="xi1">${repliesOf(p).length}</span></div></td>
<td class="plc ptm pbn vwthd"><h1 class="ts"><span id="thread_subject">${escapeHtml(p.title)}</span></h1></td></tr></table>
${post(p.id * 100, p.author, p.publishedAt, p.text, true)}
${replies}
</div></body></html>`;
  }

  function boardList(): string {
    const items = published('board')
      .slice(0, 30)
      .map(
        (p) => `<li class="message-item"><span class="no">${String(p.id).padStart(6, '0')}</span><a class="message-title" href="/board/message/${p.id}">${escapeHtml(p.title)}</a><span class="author">${escapeHtml(p.author)}</span><span class="date">${localStamp(p.publishedAt)}</span><span class="status">${p.id % 3 === 0 && now().getTime() - new Date(p.publishedAt).getTime() > 26 * 3600_000 ? '已回复' : '办理中'}</span></li>`,
      )
      .join('\n');
    return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>公众留言 - 清溪县住房和城乡建设局</title></head><body>
<div class="header"><h1>清溪县住房和城乡建设局</h1><nav>首页 | 政务公开 | 公众留言</nav></div>
<div class="board"><h2>公众留言</h2><ul class="message-list">
${items}
</ul><div class="pager"><span class="current">1</span> <a href="/board/?page=2">下一页</a></div></div>
</body></html>`;
  }

  function boardMessage(id: number): string | null {
    const p = published('board').find((x) => x.id === id);
    if (!p) return null;
    // Older messages (a day or more) carry the bureau's official answer, as on a real board.
    const answered = id % 3 === 0 && now().getTime() - new Date(p.publishedAt).getTime() > 26 * 3600_000;
    return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(p.title)} - 公众留言</title></head><body>
<div class="message-detail">
<h1 class="message-title">${escapeHtml(p.title)}</h1>
<div class="meta">留言人：<span class="author">${escapeHtml(p.author)}</span> 留言时间：<span class="date time">${localStamp(p.publishedAt)}</span> 浏览：<span class="views">${p.views}</span></div>
<div class="message-content">${escapeHtml(p.text)
      .split('\n')
      .map((line) => `<p>${line}</p>`)
      .join('')}</div>
${answered ? `<div class="reply"><div>答复单位：<span class="reply-dept">清溪县住房和城乡建设局</span> 答复时间：<span class="reply-time">${localStamp(new Date(new Date(p.publishedAt).getTime() + 26 * 3600_000).toISOString())}</span></div><div class="reply-content">您好！感谢您对我县城市建设工作的关注。您反映的问题我局已转相关科室核实处理，处理结果将及时反馈。如有疑问，欢迎致电 0571-65001000。</div></div>` : ''}
</div></body></html>`;
  }

  function newsFeed(base: string): string {
    const items = published('news')
      .slice(0, 20)
      .map(
        (p) => `<item><title>${escapeHtml(p.title)}</title><link>${base}/news/article/${p.id}.html</link><guid isPermaLink="false">qxnews-${p.id}</guid><pubDate>${new Date(p.publishedAt).toUTCString()}</pubDate><author>${escapeHtml(p.author)}</author><description>${escapeHtml(p.text)}</description></item>`,
      )
      .join('\n');
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>清溪新闻网 · 民生</title><link>${base}/news/</link><description>清溪县新闻网民生栏目</description><language>zh-cn</language>
${items}
</channel></rss>`;
  }

  function newsArticle(id: number): string | null {
    const p = published('news').find((x) => x.id === id);
    if (!p) return null;
    return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(p.title)}</title></head><body><article><h1>${escapeHtml(p.title)}</h1><div class="info">${localStamp(p.publishedAt)} 来源：清溪新闻网</div><div class="content"><p>${escapeHtml(p.text)}</p></div></article></body></html>`;
  }

  let base = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let m: RegExpMatchArray | null;
    if (path === '/robots.txt') return send(res, 200, 'text/plain', 'User-agent: *\nAllow: /\n');
    if (path === '/forum/' || path === '/forum/forum-2-1.html') return gbk(res, forumList());
    if ((m = /^\/forum\/thread-(\d+)-1-1\.html$/.exec(path))) {
      const html = forumThread(Number(m[1]));
      return html ? gbk(res, html) : send(res, 404, 'text/plain', 'not found');
    }
    if (path === '/board/' || path === '/board/index.html') return send(res, 200, 'text/html; charset=utf-8', boardList());
    if ((m = /^\/board\/message\/(\d+)$/.exec(path))) {
      const html = boardMessage(Number(m[1]));
      return html ? send(res, 200, 'text/html; charset=utf-8', html) : send(res, 404, 'text/plain', 'not found');
    }
    if (path === '/news/rss.xml') return send(res, 200, 'application/rss+xml; charset=utf-8', newsFeed(base));
    if ((m = /^\/news\/article\/(\d+)\.html$/.exec(path))) {
      const html = newsArticle(Number(m[1]));
      return html ? send(res, 200, 'text/html; charset=utf-8', html) : send(res, 404, 'text/plain', 'not found');
    }
    return send(res, 404, 'text/plain', 'not found');
  };

  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    forumListUrl: `${base}/forum/forum-2-1.html`,
    boardListUrl: `${base}/board/`,
    newsFeedUrl: `${base}/news/rss.xml`,
    posts: published,
    addReply(threadId, author, text) {
      const list = extraReplies.get(threadId) ?? [];
      const reply: DemoReply = { id: threadId * 100 + 50 + list.length, author, text, publishedAt: now().toISOString() };
      list.push(reply);
      extraReplies.set(threadId, list);
      return reply;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
