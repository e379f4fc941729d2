import { cliActor } from '../../src/auth/actor.ts';
import { createChannel, type ChannelInput } from '../../src/alert/channel-store.ts';
import { enqueueNotice, type Notice } from '../../src/alert/outbox.ts';
import { saveAlertSettings, type AlertSettings } from '../../src/alert/settings.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

export interface AlertWorld {
  db: Db;
  url: string;
  ctx: AppContext;
  departments: Record<string, number>;
  drop(): Promise<void>;
}

/**
 * A migrated database with the seed organisation and a context (silent log, public URL set).
 * The stand-ins are on 127.0.0.1, so private networks are allowed explicitly.
 */
export async function alertWorld(tdb: TestDatabase, settings: Partial<AlertSettings> = {}): Promise<AlertWorld> {
  const { db, url, drop } = await tdb.create();
  const departments = await seedOrg(db);
  const config = loadConfig({ ...process.env, MINSHENG_PUBLIC_URL: 'https://yq.example.gov.cn', MINSHENG_SECRET: 'test-secret-for-links', MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' });
  const ctx = createContext(db, config, createLogger('silent'));
  await saveAlertSettings(db.kysely, { backoffBaseSeconds: 30, ...settings });
  return { db, url, ctx, departments, drop };
}

export async function addChannel(w: AlertWorld, input: ChannelInput) {
  return createChannel(w.db.kysely, cliActor(), input);
}

export async function enqueue(w: AlertWorld, notice: Partial<Notice> & { key: string }) {
  return w.db.kysely.transaction().execute((trx) =>
    enqueueNotice(trx, { kind: 'post', level: 'orange', title: `预警 ${notice.key}`, body: '正文', departmentId: null, ...notice }),
  );
}

export const at = (iso: string) => () => new Date(iso);
export const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
