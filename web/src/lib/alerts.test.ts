import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupByMatter, type AlertRow } from './alerts.ts';

const row = (id: number, matter: string | null, channel: string, ack: string | null = null): AlertRow =>
  ({ id, matter_key: matter, channel_name: channel, acknowledged_at: ack, kind: 'post', level: 'yellow', title: 't', body: 'b', status: 'sent' }) as AlertRow;

test('one notice sent through several channels is one row, acknowledged when any copy is', () => {
  const rows = groupByMatter([row(3, 'post:1|rule:2', '站内'), row(2, 'post:1|rule:2', '企业微信', '2026-11-25T01:00:00Z'), row(1, 'post:9|rule:2', '站内')]);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].id, 3, 'the newest copy represents the matter');
  assert.deepEqual(rows[0].channels, ['站内', '企业微信']);
  assert.equal(rows[0].acknowledged_at, '2026-11-25T01:00:00Z');
  assert.deepEqual(rows[1].channels, ['站内']);
  assert.equal(groupByMatter([row(5, null, 'a'), row(4, null, 'a')]).length, 2, 'alerts without a matter key stay separate');
});
