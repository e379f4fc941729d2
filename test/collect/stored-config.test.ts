import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runKind } from '../../src/collect/collector.ts';
import { CollectError, type SourceRow } from '../../src/collect/types.ts';
import type { AppContext } from '../../src/context.ts';
import { nowIso } from '../../src/db/values.ts';
import { testFetcher } from './helpers.ts';

const source = (config: string): SourceRow => ({
  id: 1, name: '坏配置', kind: 'feed', url: 'http://127.0.0.1:9/feed.xml', config, interval_seconds: 300, weight: 1, department_id: null, paused: 0,
  push_token_hash: null, etag: null, last_modified: null, last_success_at: null, last_error: null, last_error_at: null, error_streak: 0,
  next_check_at: null, created_at: nowIso(), updated_at: nowIso(), error_since: null, paused_reason: null, last_warning: null, last_warning_at: null, high_frequency: 0, reference: 0, problem: null,
});

test('a source whose stored config is not JSON fails with a config reason instead of collecting with defaults', async () => {
  // The context is never reached: the stored config is read (strictly) before anything is fetched.
  await assert.rejects(runKind({} as AppContext, testFetcher({ timeoutMs: 500 }), source('{"maxItems": 5'), new Date(), false), (e: unknown) => {
    assert.ok(e instanceof CollectError, String(e));
    assert.equal(e.kind, 'config');
    assert.match(e.message, /bad config: stored sources\.config is not valid: not JSON/);
    return true;
  });
});
