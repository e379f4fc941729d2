/**
 * Finds which of many fixed words occur in a text in one pass: the words are indexed by the
 * code of their first character, so each position of the text costs one array read instead of
 * one search per word. Used for sensitive terms, the six kinds of matter and rumour cues.
 */
export class CueScanner<Tag> {
  /** For each UTF-16 code unit, the index of its word list in `lists`, or -1. */
  private readonly first = new Int32Array(0x10000).fill(-1);
  private readonly lists: { needle: string; tag: Tag }[][] = [];

  constructor(entries: Iterable<{ needle: string; tag: Tag }>) {
    for (const e of entries) {
      if (!e.needle) continue;
      const c = e.needle.charCodeAt(0);
      if (this.first[c] < 0) {
        this.first[c] = this.lists.length;
        this.lists.push([]);
      }
      this.lists[this.first[c]].push(e);
    }
  }

  /** The tags of the words found (each once), in order of first appearance. */
  scan(text: string): Set<Tag> {
    const found = new Set<Tag>();
    if (!this.lists.length) return found;
    const first = this.first;
    for (let i = 0; i < text.length; i++) {
      const li = first[text.charCodeAt(i)];
      if (li < 0) continue;
      for (const e of this.lists[li]) if (text.startsWith(e.needle, i)) found.add(e.tag);
    }
    return found;
  }
}
