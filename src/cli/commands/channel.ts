import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { listChannels, sendTest, setChannelEnabled, getChannelRow } from '../../alert/channel-store.ts';
import { deliverPendingNow } from '../../alert/runner.ts';
import { CliError, withContext } from '../context.ts';

export function channelCommand(program: Command) {
  const ch = program.command('channel').description('alert channels: list, send a test message, re-enable, deliver pending alerts');
  ch.command('test')
    .description("send a test message through a channel and print the service's answer")
    .argument('<name>', 'channel name')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .action(async (name: string, opts: { db?: string }) => {
      await withContext(opts, async (ctx) => {
        const res = await sendTest(ctx, cliActor(), name).catch((err) => {
          if ((err as { code?: string }).code === 'not_found') throw new CliError(`no channel named "${name}"`);
          throw err;
        });
        console.log(`channel ${res.channel} (${res.kind}): ${res.ok ? 'OK' : `FAILED (${res.failure})`}`);
        if (res.status !== null) console.log(`status: ${res.status}${res.serviceCode !== undefined && res.serviceCode !== null ? `, service code: ${res.serviceCode}` : ''}`);
        if (res.snippet) console.log(`answer: ${res.snippet}`);
        if (!res.ok) throw new CliError(`test message through ${res.channel} failed: ${res.error ?? res.failure}`);
      }, { mustExist: true });
    });
  ch.command('list')
    .description('list channels with their state')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .action(async (opts: { db?: string }) => {
      await withContext(opts, async (ctx) => {
        for (const c of await listChannels(ctx.db.kysely, cliActor())) {
          const state = c.enabled ? (c.failure_streak ? `failing x${c.failure_streak}` : 'ok') : `disabled${c.disabled_reason ? `: ${c.disabled_reason}` : ''}`;
          console.log(`${c.name}\t${c.kind}\tmin=${c.min_level}\tpending=${c.pending}\t${state}`);
        }
      }, { mustExist: true });
    });
  ch.command('enable')
    .description('re-enable a channel that was switched off (clears its failure streak)')
    .argument('<name>', 'channel name')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .action(async (name: string, opts: { db?: string }) => {
      await withContext(opts, async (ctx) => {
        const row = await getChannelRow(ctx.db.kysely, name).catch(() => {
          throw new CliError(`no channel named "${name}"`);
        });
        await setChannelEnabled(ctx.db.kysely, cliActor(), row.id, true);
        console.log(`channel ${name} enabled`);
      }, { mustExist: true });
    });
  ch.command('deliver')
    .description('deliver the alerts that are due now, then exit (for cron and tests)')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .action(async (opts: { db?: string }) => {
      await withContext(opts, async (ctx) => {
        const r = await deliverPendingNow(ctx);
        console.log(`${r.sent} sent, ${r.failed} failed, ${r.waiting} still waiting`);
      }, { mustExist: true });
    });
}
