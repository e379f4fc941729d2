import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BurstTracker, isBurst } from './bursts.ts';

const HOUR = 3600_000;

/** The tracker as first written: a scan back from the newest timestamp (the reference). */
class ScanningTracker {
  private readonly series = new Map<string, number[]>();
  private maxSeen = 0;
  private observed = 0;
  observe(key: string, at: number) {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = []));
    let i = s.length;
    while (i > 0 && s[i - 1] > at) i--;
    s.splice(i, 0, at);
    if (at > this.maxSeen) this.maxSeen = at;
    if (++this.observed % 2000 === 0) {
      const cutoff = this.maxSeen - 13 * HOUR;
      for (const [k, list] of this.series) {
        let n = 0;
        while (n < list.length && list[n] < cutoff) n++;
        if (n === list.length) this.series.delete(k);
        else if (n) list.splice(0, n);
      }
    }
    let last = 0;
    let previous = 0;
    for (let j = s.length - 1; j >= 0; j--) {
      const d = at - s[j];
      if (d < 0) continue;
      if (d < HOUR) last++;
      else if (d < 13 * HOUR) previous++;
      else break;
    }
    return { last, previous, burst: isBurst(last, previous) };
  }
}

test('the stream tracker counts the last hour and the twelve before as a scan of the series would, whatever the order posts come in', () => {
  let seed = 5;
  const r = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const tracker = new BurstTracker();
  const reference = new ScanningTracker();
  const t0 = Date.parse('2026-10-01T00:00:00Z');
  let prev = t0;
  let bursts = 0;
  for (let i = 0; i < 6000; i++) {
    // mostly in order, some late, some at the same millisecond, some exactly an hour or 13 hours apart
    const at = i % 17 === 0 ? prev : i % 29 === 0 ? prev - HOUR : i % 31 === 0 ? prev - 13 * HOUR : t0 + i * 40_000 - (i % 7 === 0 ? Math.floor(r() * 3 * HOUR) : 0);
    prev = at;
    const key = i % 3 ? 't:物业' : 'e:1';
    const got = tracker.observe(key, at);
    assert.deepEqual(got, reference.observe(key, at), `post ${i}`);
    if (got.burst) bursts++;
  }
  assert.ok(bursts > 0, 'the data has bursts');
});
