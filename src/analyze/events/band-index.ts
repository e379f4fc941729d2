/**
 * The LSH band index of the in-memory event linker, in typed arrays: for each (band, key) the
 * newest entry, and from each entry the next older one with the same key. An entry is one band
 * of one event slot (entry = slot × bands + band).
 *
 * A Map per band holding an array per key cost about 5 kB and 65 objects per event, so a long
 * stream of distinct posts spent its time in cache misses and garbage collection; here an
 * event costs a few hundred bytes and nothing for the collector to trace.
 */
export class BandIndex {
  /**
   * Open addressing over (band, key), one pair of numbers per slot: the key and the newest
   * entry + 1 (0 = empty). The band is the entry's remainder by the number of bands, so a
   * look-up reads one cache line.
   */
  private table = new Int32Array(0);
  private mask = -1;
  private used = 0;
  /** Per entry: the next older entry with the same (band, key), or -1. */
  private nexts = new Int32Array(0);

  constructor(private readonly bands: number) {
    this.resize(1024);
  }

  /** The newest entry with `key` in band `b`, or -1. */
  head(b: number, key: number): number {
    const { table, mask, bands } = this;
    let slot = mix(key, b) & mask;
    for (;;) {
      const head = table[slot * 2 + 1];
      if (head === 0) return -1;
      if (table[slot * 2] === key && (head - 1) % bands === b) return head - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** The next older entry with the same key as `entry`, or -1. */
  next(entry: number): number {
    return this.nexts[entry];
  }

  /** Adds an event slot under its band keys (bandKeys[b] for each band). */
  add(eventSlot: number, bandKeys: Int32Array): void {
    const need = (eventSlot + 1) * this.bands;
    if (this.nexts.length < need) {
      const grown = new Int32Array(Math.max(need, this.nexts.length * 2));
      grown.set(this.nexts);
      this.nexts = grown;
    }
    if ((this.used + this.bands) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    for (let b = 0; b < this.bands; b++) this.insert(b, bandKeys[b], eventSlot * this.bands + b);
  }

  /** Empties the index (then `add` the live events again, oldest first). */
  clear(capacityHint: number): void {
    let size = 1024;
    while (size < capacityHint * this.bands * 2) size *= 2;
    this.resize(size, true);
  }

  private insert(b: number, key: number, entry: number): void {
    const { table, mask, bands } = this;
    let slot = mix(key, b) & mask;
    for (;;) {
      const head = table[slot * 2 + 1];
      if (head === 0) {
        table[slot * 2] = key;
        table[slot * 2 + 1] = entry + 1;
        this.nexts[entry] = -1;
        this.used++;
        return;
      }
      if (table[slot * 2] === key && (head - 1) % bands === b) {
        this.nexts[entry] = head - 1;
        table[slot * 2 + 1] = entry + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  private resize(size: number, empty = false): void {
    const old = this.table;
    this.table = new Int32Array(size * 2);
    this.mask = size - 1;
    this.used = 0;
    if (empty) return;
    for (let s = 0; s < old.length; s += 2) {
      const head = old[s + 1];
      if (head === 0) continue;
      let slot = mix(old[s], (head - 1) % this.bands) & this.mask;
      while (this.table[slot * 2 + 1] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot * 2] = old[s];
      this.table[slot * 2 + 1] = head;
      this.used++;
    }
  }
}

function mix(key: number, band: number): number {
  const h = Math.imul(key ^ Math.imul(band + 1, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}
