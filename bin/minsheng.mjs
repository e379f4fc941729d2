#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so that a fresh clone needs no build step.
// Short-lived commands run from a bundle of the same sources, built on first use and whenever a
// source changes (bin/cli-bundle.mjs), because tsx's loader dominates their start-up (measured by
// `minsheng bench cli`: `posts` 1.6 s from sources, 0.8 s from the bundle). Long-running commands
// (serve, worker, demo) and the ones that start other scripts (bench, eval) keep running from the
// sources; root help imports no command module at all (src/cli/commands/index.ts).
const BUNDLED = new Set(['analyze', 'posts', 'migrate', 'collect', 'learn', 'import', 'report', 'case', 'channel', 'source', 'workspace']);
let main = null;
if (BUNDLED.has(process.argv[2])) main = await (await import('./cli-bundle.mjs')).bundledMain();
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
