/**
 * Throughput of `minsheng analyze` as a whole process against a bare @node-rs/jieba process
 * cutting the same posts (issue 4 target: ratio ≥ 0.40). Posts come from a generator written
 * here (no dataset copies): ~200 characters each, built from everyday complaint sentences.
 *
 *   node --import tsx bench/analyze.ts [--posts 50000] [--runs 3] [--db path-or-url] [--data ../shared/datasets]
 *
 * With --data, the posts are 200-character slices of the real Weibo posts and message-board
 * messages there (read, never copied), as the evaluation's speed figure uses; without it, or
 * when the path is absent, they come from the generator below.
 *
 * Both processes are timed from spawn to exit (start-up included), reading the same JSONL file.
 * Each run times bare jieba, then `minsheng analyze` with its default threads, then with
 * `--workers 0`, one after the other, so that load from other processes falls on all alike; the
 * ratio is reported per run and as the median. A first untimed `analyze` of an empty input builds
 * the CLI bundle (bin/cli-bundle.mjs), as the first use after an install or a change does.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { speedPosts } from './eval-analysis.ts';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = ['沿港西路', '幸福花园', '城东菜市场', '人民路', '滨江小区', '实验小学', '新城大道', '阳光嘉园', '老城区', '开发区', '南湖公园', '县医院门口'];
const WHO = ['物业公司', '开发商', '施工单位', '街道办', '住建局', '城管', '环卫部门', '社区', '供水公司', '公交公司'];
const PROBLEMS = [
  '夜间施工噪音扰民，晚上十一点还在打桩',
  '交房时间一拖再拖，已经延期半年多',
  '路灯坏了一个多月没人修',
  '下雨天道路积水严重，老人小孩出行困难',
  '违章搭建占用消防通道',
  '物业费涨价却不公示收支明细',
  '垃圾清运不及时，臭味很大',
  '停车位被占，乱收停车费',
  '自来水发黄，已经好几天了',
  '拆迁补偿标准不透明，邻居房屋出现裂缝',
];
const FEELINGS = ['居民意见很大', '投诉了好几次都没有回音', '希望有关部门尽快处理', '大家都很着急', '真的太让人失望了', '感谢相关部门之前的帮助', '请领导重视一下', '到底有没有人管'];
const FILLERS = ['我们是附近的居民，', '作为业主，', '反映一个问题：', '再次反映，', '请问', '听邻居说，', '今天早上路过，发现', ''];

export function generatePost(r: () => number, i: number) {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const place = pick(PLACES);
  let text = '';
  while (text.length < 190) text += `${pick(FILLERS)}${place}${pick(PROBLEMS)}，${pick(WHO)}${r() < 0.5 ? '说会处理' : '一直推诿'}，${pick(FEELINGS)}。`;
  const start = Date.parse('2026-10-01T00:00:00Z');
  return {
    id: i + 1,
    title: `${place}${pick(PROBLEMS).slice(0, 8)}`,
    text: text.slice(0, 200),
    source: pick(['县论坛', '政务留言板', '本地新闻']),
    published_at: new Date(start + i * 45_000).toISOString(),
    metrics: { views: Math.floor(r() * 5000), replies: Math.floor(r() * 80), likes: Math.floor(r() * 50), reposts: Math.floor(r() * 20) },
  };
}

const BARE_JIEBA = `
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
const require = createRequire(process.cwd() + '/package.json');
const { dict } = require('@node-rs/jieba/dict.js');
const jieba = Jieba.withDict(dict);
let n = 0, tokens = 0;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line) continue;
  const p = JSON.parse(line);
  tokens += jieba.cut((p.title ?? '') + '\\n' + p.text, false).length;
  n++;
}
process.stderr.write(n + ' posts, ' + tokens + ' tokens\\n');
`;

interface Timing {
  wall: number;
  cpu: number;
  maxRssMb: number | null;
}

/** Runs a process on the input file; wall time from spawn to exit, CPU and peak memory from /usr/bin/time when present. */
async function timeProcess(cmd: string, args: string[], inputFile: string): Promise<Timing> {
  const gnuTime = existsSync('/usr/bin/time');
  const started = process.hrtime.bigint();
  const child = gnuTime
    ? spawn('/usr/bin/time', ['-f', '@@%U %S %M', cmd, ...args], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent' } })
    : spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent' } });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  createReadStream(inputFile).pipe(child.stdin!);
  const [code] = (await once(child, 'exit')) as [number | null];
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-500)}`);
  const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, maxRssMb: m ? Number(m[3]) / 1024 : null };
}

/**
 * Steady state in one process (start-up excluded, less sensitive to a busy machine): jieba alone
 * vs the whole analyzer over the same posts, and the live heap after the stream (flat memory).
 */
async function inProcess(file: string, dbUrl: string) {
  const { openDatabase } = await import('../src/db/connect.ts');
  const { createAnalyzer } = await import('../src/analyze/analyzer.ts');
  const { Jieba } = await import('@node-rs/jieba');
  const { createRequire } = await import('node:module');
  const { dict } = createRequire(import.meta.url)('@node-rs/jieba/dict.js') as { dict: Buffer };
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed / 1e6;
  };
  const db = await openDatabase(dbUrl);
  try {
    const analyzer = await createAnalyzer(db.kysely);
    const jieba = Jieba.withDict(dict);
    const lines = (await import('node:fs')).readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const posts = lines.map((l) => JSON.parse(l) as { title?: string; text: string });
    for (const p of posts.slice(0, 2000)) jieba.cut(`${p.title ?? ''}\n${p.text}`, false);
    let t = performance.now();
    for (const p of posts) jieba.cut(`${p.title ?? ''}\n${p.text}`, false);
    const tj = (performance.now() - t) / 1000;
    const language = analyzer.language!;
    t = performance.now();
    for (const p of posts) language.analyze({ title: p.title, text: p.text });
    const tl = (performance.now() - t) / 1000;
    const h0 = heap();
    t = performance.now();
    let h10k = 0;
    for (let i = 0; i < lines.length; i++) {
      JSON.stringify(analyzer.analyze(JSON.parse(lines[i])));
      if (i === 9999) h10k = heap();
    }
    const ta = (performance.now() - t) / 1000;
    // the two threads' shares of the default on two cores: reading (parse, normalise, cut) and the rest
    const { parseLine } = await import('../src/analyze/stream/input.ts');
    const { normalize, normalizePost } = await import('../src/analyze/text/normalize.ts');
    const segmenter = language.segmenter;
    t = performance.now();
    const cut = lines.map((l) => {
      const parsed = parseLine(l) as { post: { title?: string; text: string } };
      const title = normalize(parsed.post.title ?? '');
      const text = normalize(parsed.post.text ?? '');
      const normalized = normalizePost({ title, text });
      return { post: parsed.post, pre: { title, text, normalized, tokens: segmenter.cut(normalized) } };
    });
    const tr = (performance.now() - t) / 1000;
    const rest = await createAnalyzer(db.kysely);
    t = performance.now();
    for (const c of cut) JSON.stringify(rest.analyze(c.post, c.pre));
    const tm = (performance.now() - t) / 1000;
    console.log(`two threads' shares: reading thread (parse, normalise, cut) ${(lines.length / tr).toFixed(0)} posts/s, analysing thread ${(lines.length / tm).toFixed(0)} posts/s`);
    console.log(
      `in one process, start-up excluded: jieba ${(posts.length / tj).toFixed(0)} posts/s, language layer ${(posts.length / tl).toFixed(0)} posts/s, ` +
        `whole analyzer with JSON ${(lines.length / ta).toFixed(0)} posts/s; ratio ${(tj / ta).toFixed(2)} (language layer alone ${(tj / tl).toFixed(2)})`,
    );
    console.log(`live heap (after GC): ${h0.toFixed(0)} MB before, ${h10k.toFixed(0)} MB after 10k posts, ${heap().toFixed(0)} MB after ${lines.length}`);
  } finally {
    await db.close();
  }
}

/** Writes `count` generated posts as JSONL. */
export async function writePosts(file: string, count: number): Promise<number> {
  const out = createWriteStream(file);
  const r = rng(20261125);
  let chars = 0;
  for (let i = 0; i < count; i++) {
    const p = generatePost(r, i);
    chars += p.title.length + p.text.length;
    if (!out.write(`${JSON.stringify(p)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return chars;
}

function writeRealPosts(file: string, texts: string[]): number {
  writeFileSync(file, texts.map((text, i) => `${JSON.stringify({ id: i + 1, text })}\n`).join(''));
  return texts.reduce((a, t) => a + t.length, 0);
}

async function main() {
  const count = Number(arg('posts', '50000'));
  const runs = Math.max(1, Number(arg('runs', '3')));
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-'));
  const file = join(dir, 'posts.jsonl');
  const db = arg('db', join(dir, 'bench.db'));
  try {
    const data = arg('data', '');
    const real = data && existsSync(data) ? speedPosts(data, count) : null;
    if (data && !real) console.log(`datasets not found under ${data}; using generated posts`);
    const chars = real ? writeRealPosts(file, real) : await writePosts(file, count);
    console.log(`posts: ${count}, average ${(chars / count).toFixed(0)} characters, ${(statSync(file).size / 1e6).toFixed(1)} MB`);
    // create and migrate the workspace first so that every run measures steady work
    await timeProcess(process.execPath, ['bin/minsheng.mjs', 'migrate', '--db', db], '/dev/null');
    await timeProcess(process.execPath, ['bin/minsheng.mjs', 'analyze', '--db', db], '/dev/null');
    const show = (name: string, t: Timing) =>
      console.log(
        `  ${name.padEnd(36)} wall ${t.wall.toFixed(2)} s, ${(count / t.wall).toFixed(0)} posts/s; CPU ${t.cpu.toFixed(2)} s` + (t.maxRssMb ? `; peak RSS ${t.maxRssMb.toFixed(0)} MB` : ''),
      );
    console.log(`cores: ${availableParallelism()}, load average ${loadavg()[0].toFixed(1)}`);
    const ratios: number[] = [];
    const single: number[] = [];
    for (let r = 1; r <= runs; r++) {
      const jieba = await timeProcess(process.execPath, ['--input-type=module', '-e', BARE_JIEBA], file);
      const auto = await timeProcess(process.execPath, ['bin/minsheng.mjs', 'analyze', '--db', db], file);
      const one = await timeProcess(process.execPath, ['bin/minsheng.mjs', 'analyze', '--workers', '0', '--db', db], file);
      console.log(`run ${r} (load average ${loadavg()[0].toFixed(1)}):`);
      show('bare @node-rs/jieba process', jieba);
      show('minsheng analyze (default threads)', auto);
      show('minsheng analyze --workers 0', one);
      ratios.push(jieba.wall / auto.wall);
      single.push(jieba.wall / one.wall);
      console.log(`  ratio analyze / jieba (wall): ${(jieba.wall / auto.wall).toFixed(2)} default threads, ${(jieba.wall / one.wall).toFixed(2)} one thread; CPU, one thread: ${(jieba.cpu / one.cpu).toFixed(2)}`);
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    console.log(`ratio analyze / jieba (wall), median of ${runs}: ${median(ratios).toFixed(2)} default threads, ${median(single).toFixed(2)} one thread (target ≥ 0.40)`);
    await inProcess(file, db);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
