import type { Kysely } from 'kysely';
import { isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { sections } from './sections/index.ts';
import type { SectionStats, WorkspaceIssue } from './section.ts';
import { shapeOf } from '../shapes.ts';

export const WORKSPACE_VERSION = 1;
/**
 * How many times YAML aliases (`*name`) may be expanded in all. Anchors save repeating a channel
 * or rule; more expansions than this is an alias bomb ("billion laughs"), refused before it grows.
 */
export const MAX_YAML_ALIASES = 100;

export interface LocatedIssue extends WorkspaceIssue {
  /** `users[2].department` */
  where: string;
  line?: number;
}

export class WorkspaceError extends AppError {
  constructor(readonly issues: LocatedIssue[]) {
    super(
      `workspace file rejected (${issues.length} error${issues.length === 1 ? '' : 's'}): ` + issues.map((i) => `${i.where}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`).join('; '),
      400,
      'workspace_invalid',
      t('workspace.invalid', { count: issues.length }),
      issues,
    );
  }
}

export function formatPath(path: (string | number | symbol)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function documentSchema() {
  const shape: Record<string, z.ZodTypeAny> = { version: z.literal(WORKSPACE_VERSION).optional() };
  for (const s of sections) shape[s.key] = z.array(s.item).optional();
  return z.object(shape).strict();
}

/** Parses and validates a workspace file completely; throws WorkspaceError listing every problem. */
export async function parseWorkspace(db: Kysely<Database>, text: string): Promise<Record<string, unknown>> {
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = yamlDoc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (yamlDoc.errors.length) {
    throw new WorkspaceError(
      yamlDoc.errors.map((e) => ({ path: [], where: '(yaml)', line: e.linePos?.[0]?.line, message: e.message.split('\n')[0] })),
    );
  }
  let raw;
  try {
    raw = yamlDoc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  } catch (err) {
    // The yaml package throws a ReferenceError for excessive (or unresolvable) aliases.
    throw new AppError(
      `workspace file rejected: ${(err as Error).message} (at most ${MAX_YAML_ALIASES} alias expansions)`,
      400,
      'workspace_invalid',
      t('workspace.tooManyAliases', { max: MAX_YAML_ALIASES }),
      [{ path: [], where: '(yaml)', message: (err as Error).message }],
    );
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new WorkspaceError([{ path: [], where: '(root)', line: 1, message: 'the workspace file must be a mapping of sections' }]);
  }
  const parsed = documentSchema().safeParse(raw);
  if (!parsed.success) {
    const issues: LocatedIssue[] = [];
    for (const issue of parsed.error.issues) {
      const base = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const path = [...base, key];
          issues.push({ path, where: formatPath(path), line: locate(path), message: `unknown key "${key}"` });
        }
      } else {
        issues.push({ path: base, where: formatPath(base), line: locate(base), message: issue.message });
      }
    }
    throw new WorkspaceError(issues);
  }
  const doc = parsed.data as Record<string, unknown>;
  const issues: LocatedIssue[] = [];
  for (const s of sections) {
    const items = doc[s.key] as unknown[] | undefined;
    if (!items || !s.validate) continue;
    for (const i of await s.validate(db, items, doc)) issues.push({ ...i, where: formatPath(i.path), line: locate(i.path) });
  }
  if (issues.length) throw new WorkspaceError(issues);
  return doc;
}

export interface ApplyResult {
  sections: Record<string, SectionStats>;
  changed: number;
  notices: string[];
}

/** What applying changed: per section, and in all; plus notices for people. */
export const applyResultSchema = shapeOf<ApplyResult>()({
  sections: z.record(z.string(), z.object({ created: z.number(), updated: z.number(), unchanged: z.number() })),
  changed: z.number(),
  notices: z.array(z.string()),
});

/**
 * Applies a workspace file in one transaction: either every section lands or nothing does.
 * Sections absent from the file are left as they are.
 */
export async function applyWorkspace(db: Kysely<Database>, actor: Actor, text: string): Promise<ApplyResult> {
  const doc = await parseWorkspace(db, text);
  const notices: string[] = [];
  const result: Record<string, SectionStats> = {};
  await db.transaction().execute(async (trx) => {
    for (const s of sections) {
      const items = doc[s.key] as unknown[] | undefined;
      if (!items) continue;
      result[s.key] = await s.apply(trx, items, { actor, doc, notices });
    }
  });
  const changed = Object.values(result).reduce((n, s) => n + s.created + s.updated, 0);
  return { sections: result, changed, notices };
}

export async function exportWorkspace(db: Kysely<Database>): Promise<string> {
  const out: Record<string, unknown> = { version: WORKSPACE_VERSION };
  for (const s of sections) out[s.key] = await s.export(db);
  return `# 民声 Minsheng workspace — see docs/workspace.md\n${stringify(out, { lineWidth: 0 })}`;
}
