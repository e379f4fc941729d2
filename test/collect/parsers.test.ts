import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { decodeBody } from '../../src/collect/encoding/charset.ts';
import { finerDate, parseDate, parseDateDetail } from '../../src/collect/parser/dates.ts';
import { parseFeedText } from '../../src/collect/parser/feed.ts';
import { parseDetailPage, parseListPage } from '../../src/collect/parser/html.ts';
import { parseJsonItems } from '../../src/collect/parser/json.ts';
import { presetSelectors } from '../../src/collect/parser/presets.ts';
import { isAllowed, parseRobots } from '../../src/collect/fetcher/robots.ts';
import { htmlToText, sanitizeContent } from '../../src/collect/sanitize.ts';
import { canonicalUrl, dedupKey } from '../../src/collect/dedup.ts';
import { API_ERROR, API_OK, ATOM03_BIG5, ATOM10, BOARD_LIST, boardMessage, DISCUZ_LIST, discuzThread, JSON_FEED, RDF, RSS092, rss2, UNDECLARED_GBK } from './fixtures/site.ts';

// 2024-11-05 12:00 Beijing time
const NOW = new Date('2024-11-05T04:00:00Z');

describe('Chinese dates', () => {
  test('relative forms as forums write them', () => {
    assert.equal(parseDate('刚刚', NOW), NOW.toISOString());
    assert.equal(parseDate('3 小时前', NOW), '2024-11-05T01:00:00.000Z');
    assert.equal(parseDate('3\u00a0小时前', NOW), '2024-11-05T01:00:00.000Z');
    assert.equal(parseDate('15分钟前', NOW), '2024-11-05T03:45:00.000Z');
    assert.equal(parseDate('半小时前', NOW), '2024-11-05T03:30:00.000Z');
    assert.equal(parseDate('2 天前', NOW), '2024-11-03T04:00:00.000Z');
    assert.equal(parseDate('昨天 14:05', NOW), '2024-11-04T06:05:00.000Z');
    assert.equal(parseDate('前天', NOW), '2024-11-02T16:00:00.000Z'); // 11-03 00:00 Beijing
    assert.equal(parseDate('前天 08:30', NOW), '2024-11-03T00:30:00.000Z');
    assert.equal(parseDate('今天 09:00', NOW), '2024-11-05T01:00:00.000Z');
  });
  test('absolute forms are Beijing time unless a zone is given', () => {
    assert.equal(parseDate('2024-11-4 14:05', NOW), '2024-11-04T06:05:00.000Z');
    assert.equal(parseDate('2019/2/28 11:25:05', NOW), '2019-02-28T03:25:05.000Z');
    assert.equal(parseDate('2024年11月4日 16:00', NOW), '2024-11-04T08:00:00.000Z');
    assert.equal(parseDate('发表于 2024-11-4 14:05', NOW), '2024-11-04T06:05:00.000Z');
    assert.equal(parseDate('11-03 08:00', NOW), '2024-11-03T00:00:00.000Z');
    assert.equal(parseDate('Mon, 04 Nov 2024 09:30:00 +0800', NOW), '2024-11-04T01:30:00.000Z');
    assert.equal(parseDate('2024-11-03T20:15:00+08:00', NOW), '2024-11-03T12:15:00.000Z');
    assert.equal(parseDate(1730786400, NOW), '2024-11-05T06:00:00.000Z');
  });
  test('each time keeps the precision its text gives; the finer of two wins, the preferred one on a tie', () => {
    const cases: [string, string, string][] = [
      ['2024-11-1', '2024-10-31T16:00:00.000Z', 'day'],
      ['2024年11月1日', '2024-10-31T16:00:00.000Z', 'day'],
      ['2024-11-4 14:05', '2024-11-04T06:05:00.000Z', 'minute'],
      ['2024-11-4 14:05:09', '2024-11-04T06:05:09.000Z', 'second'],
      ['3 小时前', '2024-11-05T01:00:00.000Z', 'hour'],
      ['昨天 14:05', '2024-11-04T06:05:00.000Z', 'minute'],
      ['昨天', '2024-11-03T16:00:00.000Z', 'day'],
      ['Mon, 04 Nov 2024 14:05:00 +0800', '2024-11-04T06:05:00.000Z', 'second'],
    ];
    for (const [text, iso, precision] of cases) assert.deepEqual(parseDateDetail(text, NOW), { iso, precision }, text);
    const listDate = parseDateDetail('2024-11-4', NOW);
    const threadTime = parseDateDetail('2024-11-4 14:05', NOW);
    assert.equal(finerDate(threadTime, listDate), threadTime, "the thread page's exact time over the list's date");
    assert.equal(finerDate(listDate, threadTime), threadTime, 'finer wins whichever is preferred');
    assert.equal(finerDate(parseDateDetail('2024-11-4 09:00', NOW), threadTime)?.iso, '2024-11-04T01:00:00.000Z', 'a tie keeps the preferred');
    assert.equal(finerDate(null, listDate), listDate);
  });

  test('nonsense is refused, not guessed', () => {
    for (const bad of ['', '明年', '2019/13/45', '2024-02-30', 'abc', '99 小时后']) assert.equal(parseDate(bad, NOW), null, bad);
  });
});

describe('charsets', () => {
  test('declared GBK in the XML prolog only (no HTTP charset) decodes', () => {
    const d = decodeBody(iconv.encode(rss2('道路积水'), 'gbk'), 'application/rss+xml');
    assert.equal(d.charset, 'gb18030');
    assert.match(d.text, /道路积水/);
  });
  test('nothing declared: GBK and Big5 are told apart by detection', () => {
    const gbk = decodeBody(iconv.encode(UNDECLARED_GBK, 'gbk'), 'text/xml');
    assert.equal(gbk.how, 'detected');
    assert.equal(gbk.charset, 'gb18030');
    assert.match(gbk.text, /拆迁补偿标准不透明/);
    const big5 = decodeBody(iconv.encode(ATOM03_BIG5.replace(' encoding="Big5"', ''), 'big5'), null);
    assert.equal(big5.charset, 'big5');
    assert.match(big5.text, /違章建築拆除引發爭議/);
  });
  test('a lying declaration loses to the bytes', () => {
    const utf8AsGb = decodeBody(Buffer.from('<?xml version="1.0" encoding="gb2312"?><a>商品房质量问题</a>'), 'text/xml; charset=gb2312');
    assert.equal(utf8AsGb.charset, 'utf-8');
    assert.match(utf8AsGb.text, /商品房质量问题/);
    const gbAsUtf8 = decodeBody(iconv.encode('<?xml version="1.0" encoding="utf-8"?><a>村民反映补偿款发放不公开</a>', 'gbk'), 'text/xml; charset=utf-8');
    assert.equal(gbAsUtf8.charset, 'gb18030');
    assert.match(gbAsUtf8.text, /村民反映补偿款发放不公开/);
  });
  test('GB18030 four-byte characters and a BOM survive', () => {
    assert.match(decodeBody(iconv.encode(RDF, 'gb18030'), null).text, /𠮷/);
    const bom = decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>供暖</a>')]), 'text/xml; charset=gbk');
    assert.equal(bom.how, 'bom');
    assert.equal(bom.text, '<a>供暖</a>');
  });
});

describe('feeds', () => {
  test('every format yields normalised items', () => {
    const r092 = parseFeedText(RSS092, 'http://news.example/rss', NOW);
    assert.equal(r092.format, 'rss');
    assert.equal(r092.items.length, 2);
    assert.equal(r092.items[0].title, '幸福路改造工程进展缓慢 市民盼早日完工');
    const r2 = parseFeedText(rss2('道路积水'), null, NOW);
    assert.equal(r2.items[0].externalId, 'rss2-1');
    assert.equal(r2.items[0].author, '热心市民');
    assert.equal(r2.items[0].publishedAt, '2024-11-04T01:30:00.000Z');
    const rdf = parseFeedText(RDF, null, NOW);
    assert.equal(rdf.format, 'rdf');
    assert.equal(rdf.items[0].url, 'http://blog.example/p/7');
    assert.equal(rdf.items[0].publishedAt, '2024-11-03T12:15:00.000Z');
    const a03 = parseFeedText(ATOM03_BIG5, null, NOW);
    assert.equal(a03.format, 'atom');
    assert.equal(a03.items[0].publishedAt, '2004-05-01T02:00:00.000Z');
    assert.equal(a03.items[0].author, '記者');
    const a10 = parseFeedText(ATOM10, 'http://gov.example/atom.xml', NOW);
    assert.equal(a10.items[0].title, '关于供暖时间调整的通知');
    assert.equal(a10.items[0].url, 'http://gov.example/notice/1');
    const jf = parseFeedText(JSON_FEED, null, NOW);
    assert.equal(jf.format, 'json');
    assert.equal(jf.items[0].externalId, 'wb-88');
    assert.equal(jf.items[0].author, '业主代表');
  });
  test('crawled HTML is sanitised: no script, no on*=, no javascript: links', () => {
    const item = parseFeedText(rss2('x'), 'http://bbs.example/rss', NOW).items[0];
    assert.ok(item.contentHtml);
    assert.doesNotMatch(item.contentHtml!, /onclick|onerror|javascript:|<script/i);
    assert.match(item.contentHtml!, /src="http:\/\/bbs\.example\/img\/1\.jpg"/);
    assert.equal(item.text, '小区门口道路积水严重，点这里请住建局尽快处理。');
    const r092 = parseFeedText(RSS092, null, NOW).items[1];
    assert.doesNotMatch(r092.contentHtml!, /script|alert/);
    assert.doesNotMatch(parseFeedText(JSON_FEED, null, NOW).items[0].contentHtml!, /iframe/);
    assert.equal(sanitizeContent('<a href="javascript:alert(1)" onmouseover="x()">a</a>'), '<a rel="nofollow noopener">a</a>');
    assert.equal(htmlToText('<p>一&amp;二</p><p>三</p>'), '一&二\n三');
  });
  test('malformed and non-feeds are clear errors', () => {
    assert.throws(() => parseFeedText('<html><body>x</body></html>'), /not a feed/);
    assert.throws(() => parseFeedText('{"version": 1, broken'), /malformed JSON feed/);
  });
});

describe('html pages', () => {
  test('the Discuz! preset reads a board list: ids, authors, relative times, counts, next page', () => {
    const { items, next } = parseListPage(DISCUZ_LIST, 'http://bbs.example/forum.php?mod=forumdisplay&fid=2', presetSelectors('discuz').list, NOW);
    assert.equal(items.length, 2);
    assert.deepEqual(
      { id: items[0].externalId, title: items[0].title, author: items[0].author, replies: items[0].metrics.replies, views: items[0].metrics.views },
      { id: '1001', title: '东门菜市场周边占道经营严重', author: '老街坊', replies: 2, views: 356 },
    );
    assert.equal(items[0].publishedAt, '2024-11-03T16:00:00.000Z'); // span title 2024-11-4 (Beijing midnight)
    assert.equal(items[0].url, 'http://bbs.example/forum.php?mod=viewthread&tid=1001');
    assert.equal(next, 'http://bbs.example/forum.php?mod=forumdisplay&fid=2&page=2');
  });
  test('a Discuz! thread page yields the body and the replies after the first post', () => {
    const d = parseDetailPage(discuzThread('1001', false), 'http://bbs.example/t', presetSelectors('discuz').detail, NOW);
    assert.match(d.text, /占道经营/);
    assert.doesNotMatch(d.contentHtml!, /script/);
    assert.equal(d.replies.length, 2);
    assert.deepEqual(d.replies.map((r) => r.author), ['路人', '县住建局']);
    assert.equal(d.replies[1].externalId, '10013');
    assert.equal(d.replies[1].publishedAt, '2024-11-05T01:00:00.000Z');
    assert.deepEqual(d.metrics, { views: 356, replies: 2 });
  });
  test('the board preset reads a message and its official reply', () => {
    const { items } = parseListPage(BOARD_LIST, 'http://gov.example/board/list', presetSelectors('board').list, NOW);
    assert.equal(items.length, 2);
    assert.equal(items[0].externalId, '2024110501');
    assert.equal(items[1].publishedAt, '2024-11-04T08:00:00.000Z');
    const d = parseDetailPage(boardMessage('M1'), 'http://gov.example/board/msg/M1', presetSelectors('board').detail, NOW);
    assert.match(d.text, /何时交房/);
    assert.equal(d.replies.length, 1);
    assert.equal(d.replies[0].author, '县住房和城乡建设局');
    assert.match(d.replies[0].text, /消防验收/);
  });
});

describe('json APIs', () => {
  const mapping = { items: 'data.list', fields: { id: 'tid', title: 'subject', text: 'content', author: 'user.nick', published_at: 'ctime', url: 'link', views: 'stat.view', replies: 'stat.reply', likes: 'stat.like' }, ok_path: 'code', ok_value: 0 };
  test('field mapping by JSON paths', () => {
    const items = parseJsonItems(API_OK, mapping, 'http://api.example/list', NOW);
    assert.equal(items.length, 2);
    assert.deepEqual(items[0].metrics, { views: 120, replies: 3, likes: 9 });
    assert.equal(items[0].externalId, '501');
    assert.equal(items[0].author, '用户A');
    assert.equal(items[0].url, 'http://api.example/t/501');
    assert.equal(items[1].publishedAt, '2024-11-05T15:10:00.000Z');
  });
  test("the API's own error code is an error with its message", () => {
    assert.throws(() => parseJsonItems(API_ERROR, mapping, 'http://api.example/', NOW), /code=40301 \(签名错误\)/);
    assert.throws(() => parseJsonItems('{"data":{}}', { items: 'data.list', fields: { title: 't' } }, 'http://a/', NOW), /no array of items at "data.list"/);
    assert.throws(() => parseJsonItems('<html>', { items: 'x', fields: { title: 't' } }, 'http://a/', NOW), /did not return JSON/);
  });
});

describe('politeness and identity helpers', () => {
  test('robots.txt: longest match wins; our agent group preferred', () => {
    const r = parseRobots('User-agent: *\nDisallow: /private/\nAllow: /private/open\n\nUser-agent: otherbot\nDisallow: /\n');
    assert.equal(isAllowed(r, '/private/x'), false);
    assert.equal(isAllowed(r, '/private/open/1'), true);
    assert.equal(isAllowed(r, '/news'), true);
    const mine = parseRobots('User-agent: *\nDisallow: /\n\nUser-agent: MinshengBot\nDisallow: /admin\nCrawl-delay: 5\n');
    assert.equal(isAllowed(mine, '/news'), true);
    assert.equal(mine.crawlDelaySeconds, 5);
  });
  test('dedup keys: external id first, then canonical URL without tracking', () => {
    assert.equal(canonicalUrl('HTTP://News.Example/a/2.html?utm_source=rss&id=3#top'), 'http://news.example/a/2.html?id=3');
    const base = { title: 't', text: 'x', publishedAt: null, author: null };
    assert.equal(dedupKey({ ...base, externalId: '9', url: 'http://a/1' }), 'id:9');
    assert.equal(dedupKey({ ...base, externalId: null, url: 'http://a/1?spm=2' }), 'url:http://a/1');
    assert.match(dedupKey({ ...base, externalId: null, url: null }), /^hash:[0-9a-f]{40}$/);
  });
});
