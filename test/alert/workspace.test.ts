import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import type { Db } from '../../src/db/connect.ts';
import { applyWorkspace, exportWorkspace, WorkspaceError } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { ORG_YAML } from '../helpers/fixtures.ts';

const CHANNELS = `
channels:
  - name: 住房科企业微信群
    kind: wecom
    department: zfk
    min_level: yellow
    quiet_hours: { start: "22:00", end: "07:00" }
    config: { key: "\${WECOM_KEY_ZFK}" }
  - name: 办公室邮件
    kind: email
    config: { host: smtp.example.gov.cn, port: 465, tls: implicit, user: yq, password: "clear-pass-123", from: "yq@example.gov.cn", to: [office@example.gov.cn] }
  - name: 领导控制台
    kind: inapp
    audience: leaders
    config: { roles: [leader] }
alert_settings:
  - escalateAfterMinutes: 20
    digestThreshold: 8
`;

for (const tdb of testDatabases) {
  describe(`workspace channels section [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await tdb.create());
    });
    after(() => drop());

    test('channels apply with env references, and export never shows a secret in clear', async () => {
      const res = await applyWorkspace(db.kysely, cliActor(), ORG_YAML + CHANNELS);
      assert.equal(res.sections.channels.created, 3);
      assert.equal(res.sections.alert_settings.updated, 1);
      const wecom = await db.kysely.selectFrom('channels').selectAll().where('name', '=', '住房科企业微信群').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(wecom.config).key, '${WECOM_KEY_ZFK}', 'the reference is stored, resolved only when sending');
      const yaml = await exportWorkspace(db.kysely);
      assert.ok(yaml.includes('${WECOM_KEY_ZFK}'));
      assert.ok(!yaml.includes('clear-pass-123'));
      assert.match(yaml, /password: "?\*{8}"?/);
      assert.match(yaml, /escalateAfterMinutes: 20/);
      const again = await applyWorkspace(db.kysely, cliActor(), yaml);
      assert.equal(again.changed, 0, 'applying the export changes nothing');
      const email = await db.kysely.selectFrom('channels').select('config').where('name', '=', '办公室邮件').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(email.config).password, 'clear-pass-123', 'the masked secret kept the stored value');
    });

    test('a bad channels section is rejected whole, with YAML paths', async () => {
      const before = await db.kysely.selectFrom('channels').selectAll().orderBy('id').execute();
      const bad = `
channels:
  - name: 坏渠道
    kind: pager
  - name: 无部门
    kind: inapp
    department: nowhere
  - name: 无规则
    kind: inapp
    rules: [不存在的规则]
  - name: 缺配置
    kind: dingtalk
    config: { secret: SEC }
  - name: 新邮件
    kind: email
    config: { host: h, from: "a@b.cn", to: [x@y.cn], password: "********" }
`;
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), bad), (err: unknown) => {
        assert.ok(err instanceof WorkspaceError);
        const where = err.issues.map((i) => i.where).join(' ');
        assert.match(where, /channels\[0\]\.kind/);
        assert.match(where, /channels\[1\]\.department/);
        assert.match(where, /channels\[2\]\.rules\[0\]/);
        assert.match(where, /channels\[3\]\.config/);
        assert.match(where, /channels\[4\]\.config\.password/);
        assert.ok(err.issues.every((i) => i.line), 'each error has its line');
        return true;
      });
      assert.deepEqual(await db.kysely.selectFrom('channels').selectAll().orderBy('id').execute(), before);
    });
  });
}
