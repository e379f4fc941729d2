import { startFakeSite } from '/work/main/test/collect/fixtures/site.ts';
import { spawnSync } from 'node:child_process';
const site = await startFakeSite();
const run = (args: string[]) => { const r = spawnSync(process.execPath, ['/work/main/bin/minsheng.mjs', ...args], { encoding: 'utf8', env: { ...process.env, MINSHENG_ALLOW_PRIVATE_NETWORKS: '1', LOG_LEVEL: 'silent' } }); console.log('$', args.join(' '), '→', r.status); console.log(r.stdout.slice(0, 1200)); console.log(r.stderr.slice(0, 600)); };
run(['source', 'test', `${site.url}/undeclared-gbk.xml`]);
run(['source', 'test', `${site.url}/forum/forum.php?mod=forumdisplay&fid=2`, '--preset', 'discuz']);
run(['source', 'test', `${site.url}/malformed.xml`]);
await site.close();
