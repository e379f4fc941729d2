import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines exactly as `readline` does with `crlfDelay: Infinity` (the
 * single-thread `minsheng analyze` reads with it): UTF-8 decoded across chunk boundaries, lines end
 * at "\r\n", "\n" or a lone "\r" (a "\r" ending one chunk and a "\n" starting the next are one
 * ending), and the text after the last ending is a line only when it is not empty.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private sawReturn = false;

  /** The complete lines of this chunk, in order. */
  push(chunk: Uint8Array): string[] {
    let s = this.decoder.write(chunk as Buffer);
    if (this.sawReturn) {
      if (s.charCodeAt(0) === 0x0a) s = s.slice(1);
      this.sawReturn = false;
    }
    const lines: string[] = [];
    if (!s) return lines;
    let start = 0;
    let from = 0;
    if (this.rest) {
      s = this.rest + s;
      from = this.rest.length;
      this.rest = '';
    }
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x0a) {
        lines.push(s.slice(start, i));
        start = i + 1;
      } else if (c === 0x0d) {
        lines.push(s.slice(start, i));
        if (s.charCodeAt(i + 1) === 0x0a) i++;
        else if (i === s.length - 1) this.sawReturn = true;
        start = i + 1;
      }
    }
    this.rest = s.slice(start);
    return lines;
  }

  /** The last line, if the input did not end with a line ending. */
  end(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
