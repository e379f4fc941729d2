import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/db/connect.ts';
import { runCli } from '../helpers/cli.ts';

const run = (args: string[]) => runCli(args);

describe('minsheng learn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-learn-'));
  const dbPath = join(dir, 'ws.db');

  test('bad lines are reported by line number; the rest are learned into the workspace', async () => {
    const file = join(dir, 'labels.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ text: '蓝鲸计划又拖了', sentiment: 'negative' }),
        '{"text": "坏的 JSON"',
        JSON.stringify({ text: '白鸽行动办得好', sentiment: 'positive', id: 7 }),
        JSON.stringify({ text: '惊讶', sentiment: 'surprise' }),
        '',
        JSON.stringify({ text: '明天开会', sentiment: 'neutral' }),
        JSON.stringify({ text: '蓝鲸计划一拖再拖', sentiment: 'negative', topic: '重点工程/蓝鲸计划' }),
        JSON.stringify({ sentiment: 'negative' }),
        JSON.stringify({ text: 42, sentiment: 'negative' }),
        JSON.stringify({ text: '小区违建没人管', department: 'A市城管局' }),
        // other sets' words for polarity are learned as the polarity they name
        JSON.stringify({ text: '太让人难过了', sentiment: 'sad' }),
        JSON.stringify({ text: '服务很好', sentiment: '正面' }),
      ].join('\n') + '\n',
    );
    const r = await run(['learn', file, '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /labels\.jsonl:2: invalid JSON/);
    assert.match(r.stderr, /labels\.jsonl:4: sentiment must be negative, neutral or positive/);
    assert.match(r.stderr, /labels\.jsonl:8: text is empty/);
    assert.match(r.stderr, /labels\.jsonl:9: "text" must be a string/);
    assert.match(r.stdout, /learned 7 example\(s\): sentiment 6, appeal 0, emotion 0, topic 1, department 1/);
    assert.match(r.stdout, /1 department label\(s\) name no department of this workspace and were learned by name: A市城管局/);
    assert.match(r.stdout, /taxonomy: added .*重点工程\/蓝鲸计划/);
    assert.match(r.stdout, /sentiment: retrained on 6 examples, 3 classes/);
    assert.match(r.stdout, /4 bad line\(s\) skipped/);
    const db = await openDatabase(dbPath);
    try {
      const labels = await db.kysely.selectFrom('labels').select(['text', 'origin']).orderBy('id').execute();
      assert.deepEqual(labels.map((l) => l.text), ['蓝鲸计划又拖了', '白鸽行动办得好', '明天开会', '蓝鲸计划一拖再拖', '小区违建没人管', '太让人难过了', '服务很好']);
      const polarity = await db.kysely.selectFrom('labels').select('sentiment').where('text', 'in', ['太让人难过了', '服务很好']).orderBy('id').execute();
      assert.deepEqual(polarity.map((l) => l.sentiment), ['negative', 'positive']);
      assert.ok(labels.every((l) => l.origin === 'cli'));
      assert.ok(await db.kysely.selectFrom('models').select('name').where('name', '=', 'sentiment').executeTakeFirst());
    } finally {
      await db.close();
    }
  });

  test('a file with nothing learnable, or no file, exits non-zero with one line', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, 'nope\n{"text":"x"}\n');
    const r = await run(['learn', file, '--db', dbPath]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.jsonl:1: invalid JSON/);
    assert.match(r.stderr, /bad\.jsonl:2: a label needs at least one of sentiment, appeal, emotion, topic, department/);
    assert.match(r.stderr, /minsheng: .*nothing learned/);
    const missing = await run(['learn', join(dir, 'missing.jsonl'), '--db', dbPath]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*missing\.jsonl: ENOENT/);
  });

  test('minsheng eval skips cleanly when the datasets are absent', async () => {
    const r = await run(['eval', '--data', join(dir, 'no-datasets')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /datasets not found .*skipping/);
    assert.equal((await run(['eval', '--only', 'nonsense', '--data', dir])).code, 1);
  });
});
