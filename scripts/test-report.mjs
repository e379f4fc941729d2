// A reporter for Node's test runner, beside the usual one (scripts/test.mjs adds it): it writes one
// JSON object when the run ends: each file's wall time (load included), the counts of tests
// passed, failed and skipped, the reasons given for skips, and the names of the top-level tests
// and suites, from which scripts/test.mjs says what ran and what did not.
export default async function* report(source) {
  const files = {};
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const skips = {};
  const topLevel = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type !== 'test:pass' && type !== 'test:fail' && type !== 'test:complete') continue;
    const isFile = data.file !== undefined && data.name === data.file;
    if (type === 'test:complete') {
      if (isFile) files[data.file] = data.details?.duration_ms ?? 0;
      continue;
    }
    if (isFile) {
      // a file that failed outside any test (it did not load, or left a test unfinished)
      if (type === 'test:fail') counts.failed++;
      continue;
    }
    if (data.nesting === 0) topLevel.push({ name: data.name, skip: Boolean(data.skip) });
    if (data.skip !== undefined && data.skip !== false) {
      counts.skipped++;
      const reason = typeof data.skip === 'string' ? data.skip : 'skipped';
      skips[reason] = (skips[reason] ?? 0) + 1;
      continue;
    }
    if (data.todo !== undefined && data.todo !== false) {
      counts.todo++;
      continue;
    }
    // suites are counted through their tests, except one that failed by itself (a hook, say)
    if (data.details?.type === 'suite') {
      if (type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') counts.failed++;
      continue;
    }
    if (type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  yield `${JSON.stringify({ files, counts, skips, topLevel })}\n`;
}
