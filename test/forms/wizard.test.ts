import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { matchRsshubUrl, RSSHUB_ROUTES, rsshubRoute, rsshubUrl } from '../../src/collect/rsshub.ts';
import type { Db } from '../../src/db/connect.ts';
import { catalogue } from '../../src/i18n/index.ts';
import { startFakeSite, type FakeSite } from '../collect/fixtures/site.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

/** An RSSHub stand-in: answers the catalogue's paths with a recorded-shape RSS feed (generator RSSHub). */
async function rsshubStandin(): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    paths.push(path);
    if (path === '/robots.txt') return void res.writeHead(404).end();
    const keyword = path.split('/').pop();
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>微博关键词 - ${keyword}</title><link>https://s.weibo.com</link><generator>RSSHub</generator>
<item><title>${keyword}幸福家园小区停水三天了</title><link>https://weibo.com/1/AbC</link><guid>https://weibo.com/1/AbC</guid><pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate><description>${keyword}幸福家园小区停水三天了，物业说等通知。</description><author>网友甲</author></item>
</channel></rss>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('the RSSHub catalogue covers where people talk, each route and parameter named in Chinese, and URLs round-trip', () => {
  const platforms = new Set(RSSHUB_ROUTES.map((r) => r.platform));
  for (const p of ['weibo', 'wechat', 'douyin', 'bilibili', 'zhihu', 'xiaohongshu', 'toutiao', 'people']) assert.ok(platforms.has(p as never), p);
  const text = catalogue();
  for (const r of RSSHUB_ROUTES) {
    assert.ok(text[`rsshub.${r.id}.name`], r.id);
    for (const p of r.params.filter((x) => !x.fixed)) {
      assert.ok(text[`rsshub.${r.id}.${p.name}`], `${r.id}.${p.name}`);
      assert.ok(text[`rsshub.${r.id}.${p.name}.help`], `${r.id}.${p.name}.help`);
    }
    const values = Object.fromEntries(r.params.map((p) => [p.name, `${p.name}-值`]));
    const url = rsshubUrl('http://rsshub.local:1200/', r, values);
    const back = matchRsshubUrl('http://rsshub.local:1200', url);
    assert.equal(back?.route.id, r.id, url);
    for (const p of r.params.filter((x) => !x.fixed)) assert.equal(back!.params[p.name], `${p.name}-值`);
  }
  assert.equal(rsshubUrl('http://h:1200', rsshubRoute('weibo-keyword')!, { keyword: '某县 停水' }), 'http://h:1200/weibo/keyword/%E6%9F%90%E5%8E%BF%20%E5%81%9C%E6%B0%B4');
  assert.equal(rsshubUrl('http://h:1200', rsshubRoute('xiaohongshu-user')!, { user_id: 'u1' }), 'http://h:1200/xiaohongshu/user/u1/notes');
  assert.equal(rsshubUrl('http://h:1200', rsshubRoute('wechat-homepage')!, { biz: 'MzA=', hid: '4' }), 'http://h:1200/wechat/mp/homepage/MzA%3D/4');
  assert.throws(() => rsshubUrl('http://h:1200', rsshubRoute('people-liuyan')!, {}), /people-liuyan: id missing/);
  assert.equal(matchRsshubUrl('http://h:1200', 'http://other:1200/weibo/user/1'), null);
});

for (const tdb of testDatabases) {
  describe(`source wizard: paste a URL, see what it is and what it would collect [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let site: FakeSite;
    let rsshub: Awaited<ReturnType<typeof rsshubStandin>>;
    let office: ApiClient;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      site = await startFakeSite();
      rsshub = await rsshubStandin();
      server = await startTestServer(db, { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' });
      office = new ApiClient(server.url);
      assert.equal((await office.login('office1', PASSWORD)).status, 200);
    });
    after(async () => {
      await server.close();
      await site.close();
      await rsshub.close();
      await drop();
    });

    test('a GBK Discuz! board is recognised, decoded as GBK and previewed', async () => {
      const res = await office.post('/api/sources/detect', { url: `${site.url}/forum/forum.php?mod=forumdisplay&fid=2` });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.kind, 'html');
      assert.equal(res.body.detected, 'discuz');
      assert.deepEqual(res.body.config, { preset: 'discuz' });
      assert.equal(res.body.name, '民生热线 - 某县论坛');
      assert.match(res.body.preview.charset, /^(gbk|gb18030)$/);
      assert.ok(res.body.preview.items.length >= 2);
      assert.ok(res.body.preview.items.every((i: any) => /\p{Script=Han}/u.test(i.title) && !i.title.includes('\uFFFD')), JSON.stringify(res.body.preview.items));
    });

    test('a message board, an RSS feed in GBK, a JSON Feed and a JSON API with nested fields', async () => {
      const board = await office.post('/api/sources/detect', { url: `${site.url}/board/list` });
      assert.equal(board.body.detected, 'board', JSON.stringify(board.body));
      assert.equal(board.body.preview.items[0].title, '关于幸福家园小区延期交房的咨询');
      const rss = await office.post('/api/sources/detect', { url: `${site.url}/rss2-gbk.xml` });
      assert.equal(rss.body.kind, 'feed');
      assert.equal(rss.body.detected, 'feed');
      assert.equal(rss.body.preview.items[0].title, '小区门口道路积水严重');
      const jf = await office.post('/api/sources/detect', { url: `${site.url}/feed.json` });
      assert.equal(jf.body.detected, 'jsonfeed');
      const api = await office.post('/api/sources/detect', { url: `${site.url}/api/list.json` });
      assert.equal(api.body.kind, 'json', JSON.stringify(api.body));
      assert.deepEqual(api.body.config, {
        items: 'data.list',
        fields: { id: 'tid', title: 'subject', text: 'content', author: 'user.nick', published_at: 'ctime', url: 'link', views: 'stat.view', replies: 'stat.reply', likes: 'stat.like' },
      });
      assert.deepEqual(api.body.preview.items.map((i: any) => i.title), ['供水管网改造后水压不足', '夜间施工噪音扰民']);
      assert.equal(api.body.preview.items[0].author, '用户A');
      // What the wizard found saves as it is.
      const saved = await office.post('/api/sources', { name: '县长热线接口', kind: api.body.kind, url: api.body.url, config: api.body.config });
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
    });

    test('a page that is none of these, or a site that is down, is told in Chinese on the URL field', async () => {
      const none = await office.post('/api/sources/detect', { url: `${site.url}/nomatch.html` });
      assert.equal(none.status, 400);
      assert.match(none.body.error.message, /^没能识别这个网址/);
      assert.deepEqual(none.body.error.details.fields[0].path, ['url']);
      const down = await office.post('/api/sources/detect', { url: 'http://127.0.0.1:1/feed.xml' });
      assert.equal(down.status, 400);
      assert.match(down.body.error.message, /^打不开这个网址：网站没有响应/);
      assert.doesNotMatch(down.body.error.message, /[A-Za-z]{4,}/);
    });

    test('an RSSHub route from the catalogue on the workspace address: needs the address, then previews the feed', async () => {
      const unset = await office.post('/api/sources/detect', { rsshub: { route: 'weibo-keyword', params: { keyword: '某县' } } });
      assert.equal(unset.status, 400);
      assert.match(unset.body.error.message, /尚未设置本单位的 RSSHub 地址/);
      const bad = await office.request('PUT', '/api/rsshub', { base_url: 'rsshub:1200' });
      assert.equal(bad.status, 400);
      assert.equal((await office.request('PUT', '/api/rsshub', { base_url: `${rsshub.url}/` })).body.base_url, rsshub.url);
      const cat = await office.get('/api/rsshub');
      assert.equal(cat.body.base_url, rsshub.url);
      assert.equal(cat.body.routes.find((r: any) => r.id === 'people-liuyan').name, '人民网领导留言板（本地）');
      const res = await office.post('/api/sources/detect', { rsshub: { route: 'weibo-keyword', params: { keyword: '某县' } } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.detected, 'rsshub');
      assert.equal(res.body.rsshub_route, 'weibo-keyword');
      assert.equal(res.body.url, `${rsshub.url}/weibo/keyword/%E6%9F%90%E5%8E%BF`);
      assert.equal(res.body.preview.items[0].title, '某县幸福家园小区停水三天了');
      assert.ok(rsshub.paths.includes('/weibo/keyword/某县'));
      // Pasting the same RSSHub URL is recognised as the route too.
      const pasted = await office.post('/api/sources/detect', { url: res.body.url });
      assert.equal(pasted.body.rsshub_route, 'weibo-keyword');
      const audit = await db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'settings.rsshub').execute();
      assert.equal(audit.length, 1);
      const responder = new ApiClient(server.url);
      await responder.login('resp_js', PASSWORD);
      assert.equal((await responder.post('/api/sources/detect', { url: `${site.url}/board/list` })).status, 403);
    });
  });
}
