import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { runProgram } from '../../src/cli/main.ts';

/** How a command ended: its exit code (0 when it finished normally) and what it printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Standard input (empty when not given, as for a spawned process whose input is closed). */
  stdin?: string;
  /** Variables set for the run (undefined removes one); LOG_LEVEL is `silent` unless given. */
  env?: Record<string, string | undefined>;
}

/** The binary, for the few tests where the process itself matters (test/foundation/process.test.ts). */
export const BIN = new URL('../../bin/minsheng.mjs', import.meta.url).pathname;

interface Capture {
  stdout: string[];
  stderr: string[];
  stdin: Readable;
}

const current = new AsyncLocalStorage<Capture>();
let installed = false;

/**
 * Routes what a run writes to stdout/stderr (directly or through `console`) and what it reads from
 * stdin to that run's capture, found by async context: the test runner's own output and anything
 * else in this process passes through untouched. `process.exit` inside a run is refused: the CLI
 * returns its exit code instead (`runProgram`), and a command that still exits is a bug.
 */
function install() {
  if (installed) return;
  installed = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = function write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
      const capture = current.getStore();
      if (!capture) return original(chunk, encoding, cb);
      capture[name].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') queueMicrotask(() => done());
      return true;
    } as typeof stream.write;
  }
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', {
    configurable: true,
    enumerable: true,
    get() {
      return current.getStore()?.stdin ?? stdin.get!.call(process);
    },
  });
  const exit = process.exit;
  process.exit = function guardedExit(code?: number | string | null) {
    if (current.getStore()) throw new Error(`process.exit(${code ?? ''}) called by a command run in-process`);
    return exit.call(process, code);
  } as typeof process.exit;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `minsheng <args>` in this process, through the same program as the binary, and returns its
 * exit code and output. Runs are one at a time (they set process.env for their duration).
 */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const run = queue.then(() => runNow(args, opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[], { stdin, env = {} }: CliOptions): Promise<CliResult> {
  install();
  const vars: Record<string, string | undefined> = { LOG_LEVEL: 'silent', ...env };
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const capture: Capture = { stdout: [], stderr: [], stdin: Readable.from(stdin === undefined || stdin === '' ? [] : [Buffer.from(stdin)]) };
  try {
    const code = await current.run(capture, () => runProgram(['node', 'minsheng', ...args]));
    return { code: code ?? 0, stdout: capture.stdout.join(''), stderr: capture.stderr.join('') };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs the real binary in a child process (for what only a process shows: exit, piping, the bundle). */
export function runBin(args: string[], { stdin, env = {} }: CliOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}
