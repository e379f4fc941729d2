import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import * as m001 from './001_foundation.ts';
import * as m004 from './004_alert.ts';
import * as m002 from './002_collect.ts';
import * as m003b from './003b_analysis.ts';
import * as m003 from './003_language.ts';
import * as m005 from './005_cases.ts';
import * as m006 from './006_reports.ts';
import * as m008 from './008_search.ts';
import * as m009 from './009_dashboard.ts';
import * as m010 from './010_rollup.ts';
import * as m011 from './011_login_throttle.ts';
import * as m012 from './012_source_warnings.ts';
import * as m013 from './013_outbound.ts';
import * as m014 from './014_references.ts';
import * as m015 from './015_signal.ts';
import * as m016 from './016_recipients.ts';
import * as m017 from './017_verification.ts';
import * as m018 from './018_performance.ts';
import * as m020 from './020_high_frequency_sources.ts';
import * as m021 from './021_matters.ts';
import * as m022 from './022_alert_backfill.ts';
import * as m027 from './027_similar_cases.ts';
import * as m028 from './028_source_problem.ts';

export interface MigrationModule {
  up(db: Kysely<any>, kind: DbKind): Promise<void>;
}

/**
 * Every migration, in order, for both databases. A stage adds a new file and one line here;
 * names sort by their number prefix. Never edit a migration that has shipped.
 */
export const migrations: Record<string, MigrationModule> = {
  '001_foundation': m001,
  '004_alert': m004,
  '002_collect': m002,
  '003b_analysis': m003b,
  '003_language': m003,
  '005_cases': m005,
  '006_reports': m006,
  '008_search': m008,
  '009_dashboard': m009,
  '010_rollup': m010,
  '011_login_throttle': m011,
  '012_source_warnings': m012,
  '013_outbound': m013,
  '014_references': m014,
  '015_signal': m015,
  '016_recipients': m016,
  '017_verification': m017,
  '018_performance': m018,
  '020_high_frequency_sources': m020,
  '021_matters': m021,
  '022_alert_backfill': m022,
  '027_similar_cases': m027,
  '028_source_problem': m028,
};
