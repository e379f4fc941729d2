#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so that a fresh clone needs no build step.
// Short-lived pipeline commands run from a bundle of the same sources, built on first use and
// whenever a source changes (bin/cli-bundle.mjs), because tsx's loader dominates their start-up.
const BUNDLED = new Set(['analyze']);
let main = null;
if (BUNDLED.has(process.argv[2])) main = await (await import('./cli-bundle.mjs')).bundledMain();
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
