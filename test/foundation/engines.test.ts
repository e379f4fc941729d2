import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import semver from 'semver';

// `npm install` prints an EBADENGINE warning for every installed package whose `engines.node`
// rejects the running Node. We support Node 22 LTS (from 22.13, the lowest every locked package accepts) and 24;
// Node 20 is past its end of life and is refused by our own engines field, with the reason in the
// README. This reads the lock file npm installs from, so a dependency bump that would warn on a
// supported Node fails here, not on an operator's machine.
const SUPPORTED = ['22.13.0', '22.23.0', '24.0.0', '24.11.0'];

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }>;
};
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};

test('every locked package accepts the supported Node versions, so npm install on 22 or 24 prints no EBADENGINE', () => {
  const rejected: string[] = [];
  let checked = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!range) continue;
    checked += 1;
    for (const version of SUPPORTED) {
      if (!semver.satisfies(version, range, { includePrerelease: true })) {
        rejected.push(`${path || 'minsheng'} (${range}) rejects ${version}`);
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} locked packages declare engines; is the lock file complete?`);
  assert.deepEqual(rejected, []);
});

test('our engines field admits the supported versions and refuses Node 20, which is past its end of life', () => {
  for (const version of SUPPORTED) assert.ok(semver.satisfies(version, pkg.engines.node), version);
  assert.equal(semver.satisfies('20.20.2', pkg.engines.node), false);
  assert.equal(semver.minVersion(pkg.engines.node)?.version, '22.13.0');
});
