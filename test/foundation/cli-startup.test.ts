import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commandStub, commandTable } from '../../src/cli/commands/index.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { BIN, runCli } from '../helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = pathToFileURL(join(ROOT, 'src')).href;

/**
 * Runs `minsheng <args>` in a fresh process (through the same program as the binary, from the
 * sources) and returns the application modules it resolved (src/…, relative), with its exit code.
 */
function importsOf(args: string[]): { code: number | null; modules: string[]; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-imports-'));
  try {
    const log = join(dir, 'imports.log');
    const script = `
      import { register } from 'node:module';
      const { register: tsx } = await import('tsx/esm/api');
      tsx();
      register(${JSON.stringify(pathToFileURL(join(ROOT, 'test/foundation/fixtures/record-imports.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });
      const { runProgram } = await import(${JSON.stringify(`${SRC}/cli/main.ts`)});
      process.exitCode = (await runProgram(['node', 'minsheng', ...${JSON.stringify(args)}])) ?? 0;
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
    const urls = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
    const modules = [...new Set(urls.filter((u) => u.startsWith(`${SRC}/`)).map((u) => u.slice(SRC.length + 1)))].sort();
    return { code: r.status, modules, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('CLI start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-startup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('root help, --version and an unknown command import no command module and nothing of the application', () => {
    const entry = ['cli/commands/index.ts', 'cli/errors.ts', 'cli/main.ts'];
    const help = importsOf(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /posts \[options\] +list stored posts/);
    assert.deepEqual(help.modules, entry);
    assert.deepEqual(importsOf(['--version']).modules, entry);
    const unknown = importsOf(['pots']);
    assert.equal(unknown.code, 1);
    assert.deepEqual(unknown.modules, entry);
  });

  test('a command imports its own module and no other command module', () => {
    for (const args of [['posts', '--help'], ['help', 'posts']]) {
      const r = importsOf(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: minsheng posts/);
      const commands = r.modules.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.ts');
      assert.deepEqual(commands, ['cli/commands/posts.ts'], args.join(' '));
    }
  });

  test('the light table gives the same root help as the command modules themselves', async () => {
    const modules = await Promise.all(Object.values(commandTable).map((e) => e.load()));
    const full = buildProgram(modules).helpInformation();
    const light = buildProgram(Object.entries(commandTable).map(([name, e]) => commandStub(name, e))).helpInformation();
    assert.equal(light, full);
    assert.equal((await runCli(['--help'])).stdout, full);
  });

  test('--db (or DATABASE_URL) in a folder that does not exist: one line, exit 1, nothing created', async () => {
    const missing = join(dir, 'missing', 'deeper');
    for (const args of [['posts', '--limit', '5'], ['migrate'], ['workspace', 'export'], ['collect', '--once']]) {
      const r = await runCli([...args, '--db', join(missing, 'x.db')]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, `minsheng: database folder does not exist: ${missing}\n`);
      assert.equal(r.stdout, '');
    }
    const demo = await runCli(['demo', '--port', '0', '--db', join(missing, 'demo.db')]);
    assert.equal(demo.code, 1);
    assert.equal(demo.stderr, `minsheng: database folder does not exist: ${missing}\n`);
    const viaEnv = await runCli(['posts'], { env: { DATABASE_URL: join(missing, 'y.db') } });
    assert.equal(viaEnv.code, 1);
    assert.equal(viaEnv.stderr, `minsheng: database folder does not exist: ${missing}\n`);
    assert.equal(existsSync(join(dir, 'missing')), false);
    // a folder that exists is used as before
    mkdirSync(missing, { recursive: true });
    assert.equal((await runCli(['posts', '--db', join(missing, 'x.db')])).code, 0);
    // commands that read an existing workspace say the file is missing, as before
    assert.match((await runCli(['case', 'list', '--db', join(dir, 'gone', 'x.db')])).stderr, /^minsheng: database file not found: /);
  });

  test('the binary: a missing folder exits 1; the default ./data/minsheng.db is still created in a fresh folder', () => {
    const bad = spawnSync(process.execPath, [BIN, 'posts', '--db', join(dir, 'nope', 'x.db')], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, `minsheng: database folder does not exist: ${join(dir, 'nope')}\n`);
    assert.equal(existsSync(join(dir, 'nope')), false);
    const fresh = join(dir, 'fresh');
    mkdirSync(fresh);
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const ok = spawnSync(process.execPath, [BIN, 'migrate'], { cwd: fresh, encoding: 'utf8', env });
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(join(fresh, 'data', 'minsheng.db')));
  });
});
