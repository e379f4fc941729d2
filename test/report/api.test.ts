import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { seedReportFixture, type Fixture } from './fixture.ts';

for (const tdb of testDatabases) {
  describe(`reports API (${tdb.kind})`, () => {
    let env: Awaited<ReturnType<typeof tdb.create>>;
    let server: TestServer;
    let fx: Fixture;
    const as = async (username: string) => {
      const c = new ApiClient(server.url);
      assert.equal((await c.login(username, PASSWORD)).status, 200);
      return c;
    };
    before(async () => {
      env = await tdb.create();
      fx = await seedReportFixture(env.db);
      server = await startTestServer(env.db);
    });
    after(async () => {
      await server.close();
      await env.drop();
    });

    test('the office reads the statistics of a month; a head sees only their own department', async () => {
      const office = await as('office1');
      const all = await office.get('/api/reports/statistics?period=2026-10');
      assert.equal(all.status, 200);
      assert.equal(all.body.total, 9);
      assert.equal(all.body.period.label, '2026年10月');
      assert.equal(all.body.timeliness.total.cases, 6);
      assert.equal(all.body.peaks[0].key, '2026-10-05');

      const head = await as('head_js');
      const mine = await head.get('/api/reports/statistics?period=2026-10&department=' + fx.dept.zfk);
      assert.equal(mine.status, 200);
      assert.equal(mine.body.total, 5, "建设科's posts only, whatever department was asked for");
      assert.deepEqual(mine.body.timeliness.departments.map((d: { department: string }) => d.department), ['建设科']);
    });

    test('a responder may not read reports; without a session the answer is 401', async () => {
      const responder = await as('resp_zf');
      assert.equal((await responder.get('/api/reports/statistics?period=2026-10')).status, 403);
      assert.equal((await new ApiClient(server.url).get('/api/reports/dashboard')).status, 401);
    });

    test('a bad period is refused with a Chinese explanation', async () => {
      const office = await as('office1');
      const res = await office.get('/api/reports/statistics?period=2026-13');
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /统计周期“2026-13”无法识别/);
      const kind = await office.get('/api/reports/download?kind=weekly&period=2026-10&format=docx');
      assert.equal(kind.status, 400);
      assert.match(kind.body.error.message, /舆情周报需要周周期/);
    });

    test('the dashboard counts cases by state and the cases overdue now', async () => {
      const leader = await as('leader1');
      const res = await leader.get('/api/reports/dashboard');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.casesByState, { closed: 3, escalated: 1, following_up: 1, drafting: 1, assigned: 1 });
      // Unanswered C5 (due 2026-10-21 17:30) and C6 (due 2026-11-02 17:30) are overdue once their deadline has passed.
      const now = Date.now();
      assert.equal(res.body.overdue, ['2026-10-21T09:30:00Z', '2026-11-02T09:30:00Z'].filter((d) => Date.parse(d) < now).length);
      assert.equal(res.body.trend.length, 30);
      assert.equal(typeof res.body.today.posts, 'number');
    });

    test('the monthly brief downloads as .docx with its Chinese file name', async () => {
      const office = await as('office1');
      const res = await fetch(`${server.url}/api/reports/download?kind=monthly&period=2026-10&format=docx`, { headers: { cookie: office.cookie } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename*=UTF-8''${encodeURIComponent('舆情月报-2026-10.docx')}`);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(body.subarray(0, 2).toString(), 'PK');
    });

    test('the assessment ranks departments and the office can change the weights', async () => {
      const office = await as('office1');
      const res = await office.get('/api/reports/assessment?period=2026-Q4');
      assert.equal(res.status, 200);
      assert.equal(res.body.departments[0].department, '住房保障科');
      assert.equal((await office.request('PUT', '/api/reports/assessment/weights', { timely: 1, received: 0, prevented: 0 })).status, 200);
      const weighted = await office.get('/api/reports/assessment?period=2026-Q4');
      assert.equal(weighted.body.departments.find((d: { department: string }) => d.department === '建设科').score, 33.3);
      assert.equal((await office.request('PUT', '/api/reports/assessment/weights', { timely: 0, received: 0, prevented: 0 })).status, 400);
      assert.equal((await office.get('/api/reports/assessment?period=2026-10')).status, 400, 'a month is no assessment period');
      assert.equal((await office.get('/api/reports/assessment?weights=timely=abc')).status, 400);
    });

    test('schedules: created with a valid cron only; named dates annotate the trend', async () => {
      const office = await as('office1');
      const bad = await office.post('/api/reports/schedules', { name: '日报', kind: 'daily', cron: '0 25 * * *' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /定时表达式/);
      const ok = await office.post('/api/reports/schedules', { name: '日报', kind: 'daily', format: 'pdf', cron: '0 8 * * *' });
      assert.equal(ok.status, 201);
      assert.match(ok.body.next_run_at, /T00:00:00.000Z$/, '08:00 Beijing is 00:00 UTC');
      assert.equal((await office.post('/api/reports/schedules', { name: '日报', kind: 'daily', cron: '0 8 * * *' })).status, 409);
      const head = await as('head_js');
      assert.equal((await head.post('/api/reports/schedules', { name: '周报', kind: 'weekly', cron: '0 8 * * 1' })).status, 403);

      const nd = await office.post('/api/reports/named-dates', { name: '文明城市复检', starts_on: '2026-10-20', ends_on: '2026-10-21' });
      assert.equal(nd.status, 201);
      assert.equal((await office.post('/api/reports/named-dates', { name: '倒序', starts_on: '2026-10-21', ends_on: '2026-10-20' })).status, 400);
      const stats = await office.get('/api/reports/statistics?period=2026-10');
      const oct20 = stats.body.trend.buckets.find((b: { key: string }) => b.key === '2026-10-20');
      assert.ok(oct20.events.includes('文明城市复检'));
    });
  });
}
