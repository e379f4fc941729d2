/** What an audit entry is about, as stored in `audit_log.entity`. Pure data (the schema reads it). */
export const AUDIT_ENTITIES = [
  'alert',
  'case',
  'channel',
  'commitment',
  'department',
  'dictionary_word',
  'event',
  'instruction',
  'label',
  'memo',
  'named_date',
  'post',
  'reply_template',
  'report_schedule',
  'responder_account',
  'response',
  'setting',
  'settings',
  'source',
  'taxonomy_topic',
  'user',
  'watch_period',
  'watch_rule',
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

export function isAuditEntity(v: unknown): v is AuditEntity {
  return typeof v === 'string' && (AUDIT_ENTITIES as readonly string[]).includes(v);
}
