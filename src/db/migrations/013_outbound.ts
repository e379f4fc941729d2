import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 22: a source no longer decides whether it may reach the intranet; the administrator
 * does, for every outbound connection (MINSHENG_ALLOW_PRIVATE_NETWORKS / MINSHENG_ALLOW_PRIVATE_HOSTS).
 * The removed source option `allow_private_network` is taken out of stored source configs, so
 * that they still validate; such a source is refused until the administrator allows its host.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  const rows = (await db.selectFrom('sources').select(['id', 'config']).where('config', 'like', '%allow_private_network%').execute()) as { id: number; config: string | null }[];
  for (const row of rows) {
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(row.config ?? '{}');
    } catch {
      continue;
    }
    if (!config || typeof config !== 'object' || !('allow_private_network' in config)) continue;
    delete config.allow_private_network;
    await db.updateTable('sources').set({ config: JSON.stringify(config) }).where('id', '=', row.id).execute();
  }
}
