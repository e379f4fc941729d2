import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LabelChecker, LabelExample } from './labels.ts';

export interface ParsedLabels {
  examples: LabelExample[];
  /** Lines that could not be learned, with why (English, for the CLI). */
  bad: { line: number; reason: string }[];
  lines: number;
}

/**
 * Reads labelled examples as JSONL (`{"text","title"?,"sentiment"?,"appeal"?,"emotion"?,"topic"?,"department"?}` per
 * line, DESIGN §6). Each bad line is reported with its number; the others are kept. Extra fields
 * (ids, dates) are ignored so that exports from other systems can be learned directly.
 */
export async function readLabelLines(input: Readable, checker: LabelChecker): Promise<ParsedLabels> {
  const out: ParsedLabels = { examples: [], bad: [], lines: 0 };
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const raw of rl) {
    out.lines++;
    const line = raw.trim();
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      out.bad.push({ line: out.lines, reason: `invalid JSON (${(e as Error).message.split('\n')[0]})` });
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      out.bad.push({ line: out.lines, reason: 'expected a JSON object' });
      continue;
    }
    const o = v as Record<string, unknown>;
    const wrongType = (['text', 'title', 'sentiment', 'appeal', 'emotion', 'topic', 'department'] as const).find((k) => o[k] !== undefined && o[k] !== null && typeof o[k] !== 'string');
    if (wrongType) {
      out.bad.push({ line: out.lines, reason: `"${wrongType}" must be a string` });
      continue;
    }
    const r = checker.check(
      {
      text: (o.text as string | undefined) ?? '',
      title: (o.title as string | undefined) ?? undefined,
      sentiment: (o.sentiment as LabelExample['sentiment']) ?? undefined,
      appeal: (o.appeal as LabelExample['appeal']) ?? undefined,
      emotion: (o.emotion as LabelExample['emotion']) ?? undefined,
      topic: (o.topic as string | undefined) ?? undefined,
      department: (o.department as string | undefined) ?? undefined,
      },
      { unknownDepartments: 'keep' },
    );
    if (!r.ok) out.bad.push({ line: out.lines, reason: r.message });
    else out.examples.push(r.value);
  }
  return out;
}

export function readLabelFile(path: string, checker: LabelChecker): Promise<ParsedLabels> {
  return readLabelLines(createReadStream(path, { encoding: 'utf8' }), checker);
}
