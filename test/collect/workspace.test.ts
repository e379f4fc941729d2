import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { hashToken } from '../../src/collect/manage.ts';
import type { Db } from '../../src/db/connect.ts';
import { applyWorkspace, exportWorkspace, WorkspaceError } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

const TOKEN = 'push-token-for-12345-platform-0001';
const YAML = `
sources:
  - name: 某县论坛
    kind: html
    url: https://bbs.example.gov.cn/forum.php?mod=forumdisplay&fid=2
    interval: 10m
    weight: 1.5
    department: jsk
    config:
      preset: discuz
      max_pages: 2
      charset: gbk
  - name: 微博（RSSHub）
    kind: feed
    url: http://rsshub.lan:1200/weibo/user/1234567
  - name: 政务接口
    kind: json
    url: https://api.example.gov.cn/messages
    config:
      items: data.list
      fields: { id: tid, title: subject, text: content, published_at: ctime }
  - name: 12345平台
    kind: push
    push_token: ${TOKEN}
`;

for (const tdb of testDatabases) {
  describe(`workspace sources section [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
    });
    after(async () => drop());

    test('sources are created from the file; applying again changes nothing', async () => {
      const r = await applyWorkspace(db.kysely, cliActor(), YAML);
      assert.deepEqual(r.sections.sources, { created: 4, updated: 0, unchanged: 0 });
      const forum = await db.kysely.selectFrom('sources').selectAll().where('name', '=', '某县论坛').executeTakeFirstOrThrow();
      assert.equal(forum.interval_seconds, 600);
      assert.equal(Number(forum.weight), 1.5);
      assert.equal(JSON.parse(forum.config).preset, 'discuz');
      const push = await db.kysely.selectFrom('sources').selectAll().where('name', '=', '12345平台').executeTakeFirstOrThrow();
      assert.equal(push.push_token_hash, hashToken(TOKEN));
      const again = await applyWorkspace(db.kysely, cliActor(), YAML);
      assert.deepEqual(again.sections.sources, { created: 0, updated: 0, unchanged: 4 });
    });

    test('export never contains the push token, and applying the export changes nothing', async () => {
      const yaml = await exportWorkspace(db.kysely);
      assert.doesNotMatch(yaml, new RegExp(TOKEN));
      assert.match(yaml, new RegExp(`push_token_sha256: ${hashToken(TOKEN)}`));
      assert.match(yaml, /interval: 10m/);
      assert.match(yaml, /department: jsk/);
      const r = await applyWorkspace(db.kysely, cliActor(), yaml);
      assert.equal(r.sections.sources.created + r.sections.sources.updated, 0);
      const push = await db.kysely.selectFrom('sources').select('push_token_hash').where('name', '=', '12345平台').executeTakeFirstOrThrow();
      assert.equal(push.push_token_hash, hashToken(TOKEN));
    });

    test('pausing in the file pauses; a change is audited', async () => {
      const updates = async () => db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'source.update').execute();
      const auditedBefore = (await updates()).length;
      const r = await applyWorkspace(db.kysely, cliActor(), YAML.replace('    interval: 10m\n', '    interval: 10m\n    paused: true\n'));
      assert.equal(r.sections.sources.updated, 1);
      const row = await db.kysely.selectFrom('sources').select('paused').where('name', '=', '某县论坛').executeTakeFirstOrThrow();
      assert.equal(row.paused, 1);
      const audit = await updates();
      assert.equal(audit.length, auditedBefore + 1, 'the one change is audited once');
      assert.doesNotMatch(JSON.stringify(audit), new RegExp(TOKEN));
    });

    test('a source marked 参考 in the file is one, exports so, and applying the export changes nothing', async () => {
      const r = await applyWorkspace(db.kysely, cliActor(), YAML.replace('    interval: 10m\n', '    interval: 10m\n    reference: true\n'));
      assert.equal(r.sections.sources.updated, 1);
      const row = await db.kysely.selectFrom('sources').select('reference').where('name', '=', '某县论坛').executeTakeFirstOrThrow();
      assert.equal(row.reference, 1);
      const yaml = await exportWorkspace(db.kysely);
      assert.match(yaml, /reference: true/);
      const again = await applyWorkspace(db.kysely, cliActor(), yaml);
      assert.equal(again.sections.sources.created + again.sections.sources.updated, 0);
      await applyWorkspace(db.kysely, cliActor(), YAML);
      assert.equal((await db.kysely.selectFrom('sources').select('reference').where('name', '=', '某县论坛').executeTakeFirstOrThrow()).reference, 0, 'left out: not 参考');
    });

    test('every mistake is reported with its YAML path and nothing changes', async () => {
      const before = await db.kysely.selectFrom('sources').selectAll().orderBy('id').execute();
      const bad = `
sources:
  - name: 坏论坛
    kind: html
    url: ftp://bbs.example/
    config: { preset: phpwind, list: { item: li, colour: red } }
  - name: 坏接口
    kind: json
    url: https://api.example/
    department: nowhere
    config: { items: data }
  - name: 坏推送
    kind: feed
    url: https://x.example/rss
    push_token_sha256: "${'0'.repeat(64)}"
    interval: 5s
    config: { allow_private_network: true }
  - name: 坏推送
    kind: carrier-pigeon
`;
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), bad), (err: unknown) => {
        assert.ok(err instanceof WorkspaceError);
        const where = err.issues.map((i) => i.where);
        assert.ok(where.includes('sources[3].kind'), where.join(', '));
        assert.ok(err.issues.every((i) => typeof i.line === 'number'));
        return true;
      });
      // Fix the shape error; the cross-checks then name each field.
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), bad.replace('    kind: carrier-pigeon\n', '    kind: manual\n').replace('  - name: 坏推送\n    kind: manual', '  - name: 手工\n    kind: manual')), (err: unknown) => {
        assert.ok(err instanceof WorkspaceError);
        const where = err.issues.map((i) => `${i.where}: ${i.message}`);
        for (const p of ['sources[0].url', 'sources[0].config.preset', 'sources[0].config.list', 'sources[1].department', 'sources[1].config.fields', 'sources[2].push_token_sha256', 'sources[2].interval']) {
          assert.ok(where.some((w) => w.startsWith(p)), `${p} missing in\n${where.join('\n')}`);
        }
        // A source cannot open the intranet to itself any more: the administrator decides.
        assert.ok(where.some((w) => w.startsWith('sources[2].config.allow_private_network') && /MINSHENG_ALLOW_PRIVATE_NETWORKS/.test(w)), where.join('\n'));
        return true;
      });
      assert.deepEqual(await db.kysely.selectFrom('sources').selectAll().orderBy('id').execute(), before);
    });
  });
}
