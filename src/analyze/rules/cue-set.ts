import { CueScanner } from './cues.ts';
import { COLLECTIVE_CUES, MATTERS, RUMOUR_CUES, type MatterFinding } from './matters.ts';
import type { SensitiveList } from './sensitive.ts';

/**
 * Sensitive terms, the six kinds of matter, rumour cues and collective action found in ONE pass over the text (each
 * alone would scan the text once). Results are the same as findSensitive, findMatters and
 * findRumourCues: within each kind, the words in order of first appearance.
 */
type Tag = { kind: 0; raw: string } | { kind: 1; order: number; cue: string } | { kind: 2; cue: string } | { kind: 3; cue: string };

export interface FoundCues {
  sensitive: string[];
  matters: MatterFinding[];
  rumour: string[];
  /** Collective action (拉横幅, 集体上访, 堵路): 群体性事件苗头. */
  collective: string[];
}

function build(sensitive: SensitiveList | null): CueScanner<Tag> {
  const entries: { needle: string; tag: Tag }[] = [];
  // one tag object per sensitive word, so that a word listed twice is reported once (as a Set of words would)
  const words = new Map<string, Tag>();
  for (const t of sensitive?.terms ?? []) {
    let tag = words.get(t.raw);
    if (!tag) words.set(t.raw, (tag = { kind: 0, raw: t.raw }));
    entries.push({ needle: t.needle, tag });
  }
  MATTERS.forEach((m, order) => {
    for (const cue of m.cues) entries.push({ needle: cue, tag: { kind: 1, order, cue } });
  });
  const rumours = new Map<string, Tag>();
  for (const cue of RUMOUR_CUES) {
    let tag = rumours.get(cue);
    if (!tag) rumours.set(cue, (tag = { kind: 2, cue }));
    entries.push({ needle: cue, tag });
  }
  for (const cue of COLLECTIVE_CUES) entries.push({ needle: cue, tag: { kind: 3, cue } });
  return new CueScanner(entries);
}

const scanners = new WeakMap<SensitiveList, CueScanner<Tag>>();
let plain: CueScanner<Tag> | null = null;

/** The cues of a normalised, ASCII-lower-cased text. */
export function scanCues(text: string, sensitive: SensitiveList | null | undefined): FoundCues {
  let scanner: CueScanner<Tag> | undefined;
  if (sensitive) {
    scanner = scanners.get(sensitive);
    if (!scanner) scanners.set(sensitive, (scanner = build(sensitive)));
  } else scanner = plain ??= build(null);
  const found = scanner.scan(text);
  const out: FoundCues = { sensitive: [], matters: [], rumour: [], collective: [] };
  if (!found.size) return out;
  let byKind: (string[] | undefined)[] | null = null;
  for (const tag of found) {
    if (tag.kind === 0) out.sensitive.push(tag.raw);
    else if (tag.kind === 2) out.rumour.push(tag.cue);
    else if (tag.kind === 3) out.collective.push(tag.cue);
    else ((byKind ??= new Array(MATTERS.length))[tag.order] ??= []).push(tag.cue);
  }
  if (byKind) {
    for (let k = 0; k < MATTERS.length; k++) {
      const terms = byKind[k];
      if (terms) out.matters.push({ kind: MATTERS[k].kind, points: MATTERS[k].points, terms });
    }
  }
  return out;
}
