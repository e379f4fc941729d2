import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../context.ts';

const BENCH_DIR = fileURLToPath(new URL('../../../bench/', import.meta.url));

/** The benchmarks and evaluations in bench/, with the first line of each file's header comment. */
export function listBenches(): { name: string; summary: string }[] {
  if (!existsSync(BENCH_DIR)) return [];
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .sort()
    .map((f) => {
      const text = readFileSync(`${BENCH_DIR}${f}`, 'utf8');
      const m = /\/\*\*\s*\n?\s*\*?\s*([^\n]+)/.exec(text);
      return { name: f.replace(/\.ts$/, ''), summary: (m?.[1] ?? '').replace(/^\*\s*/, '').trim() };
    });
}

export function benchCommand(program: Command) {
  program
    .command('bench')
    .description('run the benchmarks and evaluations in bench/ and print their figures (speed goals live here, not in tests)')
    .argument('[name]', 'one benchmark (see --list); without it, every benchmark runs in turn')
    .argument('[args...]', 'arguments passed to the benchmark (e.g. --posts 50000, --data ../shared/datasets)')
    .option('--list', 'list the benchmarks')
    .allowUnknownOption(true)
    .action((name: string | undefined, args: string[], opts: { list?: boolean }) => {
      const benches = listBenches();
      if (opts.list) {
        for (const b of benches) console.log(`${b.name.padEnd(20)} ${b.summary}`);
        return;
      }
      const chosen = name ? benches.filter((b) => b.name === name) : benches;
      if (name && chosen.length === 0) throw new CliError(`no benchmark "${name}"; available: ${benches.map((b) => b.name).join(', ')}`);
      let failed = 0;
      for (const b of chosen) {
        console.log(`\n=== bench ${b.name}: ${b.summary}`);
        const r = spawnSync(process.execPath, ['--import', 'tsx', `${BENCH_DIR}${b.name}.ts`, ...args], { stdio: 'inherit' });
        if (r.status !== 0) {
          failed++;
          console.log(`=== bench ${b.name} exited with ${r.status ?? r.signal}`);
        }
      }
      if (failed) throw new CliError(`${failed} benchmark(s) failed`);
    });
}
