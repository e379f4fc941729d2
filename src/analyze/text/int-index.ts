/**
 * A fixed set of 32-bit keys (token hashes) mapped to small non-negative numbers, in one typed
 * array with open addressing. A lookup per token is one or two array reads, where a Map keyed by
 * numbers outside the small-integer range has to box and hash each key.
 */
export class IntIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly used: Uint8Array;

  constructor(entries: Iterable<[key: number, value: number]>) {
    const list = [...entries];
    let size = 16;
    while (size < list.length * 3) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 2);
    this.used = new Uint8Array(size);
    for (const [key, value] of list) {
      let slot = key & this.mask;
      while (this.used[slot] && this.slots[slot * 2] !== key) slot = (slot + 1) & this.mask;
      this.used[slot] = 1;
      this.slots[slot * 2] = key;
      this.slots[slot * 2 + 1] = value;
    }
  }

  /** The value of `key`, or -1. */
  get(key: number): number {
    let slot = key & this.mask;
    while (this.used[slot]) {
      if (this.slots[slot * 2] === key) return this.slots[slot * 2 + 1];
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }
}
