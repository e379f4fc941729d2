import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { composePost } from './content.ts';
import { startDemoSites } from './sites.ts';

function clock(start: number) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

test('the demo forum is a GBK Discuz! board whose threads link to their pages', async () => {
  const c = clock(Date.parse('2026-11-24T02:00:00Z'));
  const sites = await startDemoSites({ now: c.now, backlog: { forum: 3 } });
  try {
    const res = await fetch(sites.forumListUrl);
    assert.match(res.headers.get('content-type') ?? '', /charset=gbk/);
    const html = iconv.decode(Buffer.from(await res.arrayBuffer()), 'gbk');
    const ids = [...html.matchAll(/id="normalthread_(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(ids, [3, 2, 1], 'newest thread first');
    const newest = sites.posts('forum')[0];
    assert.ok(html.includes(newest.title), 'titles survive the GBK round trip');
    const thread = iconv.decode(Buffer.from(await (await fetch(`${sites.url}/forum/thread-3-1-1.html`)).arrayBuffer()), 'gbk');
    assert.match(thread, /id="thread_subject"/);
    assert.ok(thread.includes(`id="postmessage_300"`));
    assert.equal((await fetch(`${sites.url}/forum/thread-99-1-1.html`)).status, 404, 'a thread not yet published is not found');
  } finally {
    await sites.close();
  }
});

test('new posts keep arriving as time passes, on every site', async () => {
  const c = clock(Date.parse('2026-11-24T02:00:00Z'));
  const sites = await startDemoSites({ now: c.now, backlog: { forum: 2, board: 2, news: 1 }, intervalSeconds: { forum: 10, board: 20, news: 30 } });
  try {
    assert.equal(sites.posts('forum').length, 2);
    c.advance(61_000);
    assert.equal(sites.posts('forum').length, 8);
    assert.equal(sites.posts('board').length, 5);
    assert.equal(sites.posts('news').length, 3);
    const feed = await (await fetch(sites.newsFeedUrl)).text();
    assert.equal([...feed.matchAll(/<item>/g)].length, 3);
    assert.match(feed, /<guid isPermaLink="false">qxnews-3<\/guid>/);
    const board = await (await fetch(sites.boardListUrl)).text();
    assert.equal([...board.matchAll(/class="message-title" href="\/board\/message\/\d+"/g)].length, 5);
  } finally {
    await sites.close();
  }
});

test('a reply posted by a responder account appears on its thread', async () => {
  const sites = await startDemoSites({ backlog: { forum: 2 } });
  try {
    sites.addReply(1, '清溪住建', '感谢您的关注，<b>施工单位</b>已整改。');
    const html = iconv.decode(Buffer.from(await (await fetch(`${sites.url}/forum/thread-1-1-1.html`)).arrayBuffer()), 'gbk');
    assert.ok(html.includes('清溪住建'));
    assert.ok(html.includes('&lt;b&gt;施工单位&lt;/b&gt;'), 'text is escaped into the page');
  } finally {
    await sites.close();
  }
});

test('composed posts are reproducible and readable Chinese', () => {
  const at = new Date('2026-11-24T02:00:00Z');
  const a = composePost('forum', 5, at);
  const b = composePost('forum', 5, at);
  assert.deepEqual(a, b);
  assert.notEqual(composePost('forum', 6, at).text, a.text);
  assert.doesNotMatch(a.title + a.text, /\{\w+\}/, 'every slot is filled');
  assert.match(a.text, /[\u4e00-\u9fff]{10}/);
});
