import * as OpenCC from 'opencc-js';

/**
 * Text normalisation for analysis (DESIGN §4): full-width ASCII forms → half width, the
 * ideographic space and other odd spaces → one plain space, traditional → simplified Chinese
 * (OpenCC, phrase level), runs of whitespace collapsed. Emoji and Weibo emoticons such as
 * "[心]" are kept as text: they carry sentiment.
 *
 * One pass rewrites width and spaces and notes traditional characters; text that needs nothing
 * comes back untouched, and OpenCC only runs on text that holds at least one traditional
 * character.
 */
let toSimplified: ((s: string) => string) | null = null;
function converter(): (s: string) => string {
  if (toSimplified) return toSimplified;
  const convert = OpenCC.Converter({ from: 't', to: 'cn' });
  const fn = (s: string): string => String(convert(s));
  toSimplified = fn;
  return fn;
}

// Per BMP code point: 0 unknown, 1 same in simplified, 2 traditional (converts differently).
const tradState = new Uint8Array(0x10000);

function isTraditional(code: number): boolean {
  if (code < 0x3400 || code > 0xfaff) return false;
  let s = tradState[code];
  if (s === 0) {
    const ch = String.fromCharCode(code);
    s = converter()(ch) === ch ? 1 : 2;
    tradState[code] = s;
  }
  return s === 2;
}

function isOddSpace(code: number): boolean {
  return (
    code === 0x3000 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200b) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0xfeff
  );
}

function isPlainSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0b || code === 0x0c;
}

let codes = new Uint16Array(1024);
/** Whether the text given to the last `rewrite` holds a traditional character. */
let sawTraditional = false;

/**
 * Width and whitespace rewriting in one pass through a code-unit buffer (much faster than string
 * concatenation): full-width forms to ASCII, any run of spaces to one space, none at either end.
 * Returns the text itself when nothing changes (most text needs no rewriting, or only OpenCC),
 * and notes whether OpenCC has work to do.
 */
function rewrite(text: string): string {
  if (codes.length < text.length) codes = new Uint16Array(text.length * 2);
  let n = 0;
  let pendingSpace = false;
  let changed = false;
  let trad = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      if (isPlainSpace(c)) {
        // a space other than " ", a second one in a row, or one at the start is rewritten
        if (c !== 0x20 || pendingSpace || n === 0) changed = true;
        pendingSpace = n > 0;
        continue;
      }
    } else if (c >= 0xff01 && c <= 0xff5e) {
      c -= 0xfee0;
      changed = true;
    } else if (isOddSpace(c)) {
      changed = true;
      pendingSpace = n > 0;
      continue;
    } else if (!trad && isTraditional(c)) trad = true;
    if (pendingSpace) {
      codes[n++] = 0x20;
      pendingSpace = false;
    }
    codes[n++] = c;
  }
  if (pendingSpace) changed = true; // a space at the end
  sawTraditional = trad;
  if (!changed) return text;
  let out = '';
  for (let i = 0; i < n; i += 8192) out += String.fromCharCode.apply(null, codes.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  return out;
}

// The last few strings that needed no rewriting. A post's title and text are normalised first by
// the analyzer and then again as a whole post (normalizePost), so each would be scanned twice.
const clean: string[] = ['', '', '', ''];
let cleanAt = 0;

export function normalize(text: string): string {
  if (!text) return '';
  if (text === clean[0] || text === clean[1] || text === clean[2] || text === clean[3]) return text;
  let out = rewrite(text);
  const trad = sawTraditional;
  if (trad) out = converter()(out);
  // rewriting leaves no full-width form and no odd or repeated space, so without a traditional
  // character (OpenCC's output is not re-checked) the result needs no further work either
  if (!trad) {
    clean[cleanAt] = out;
    cleanAt = (cleanAt + 1) & 3;
  }
  return out;
}

/** Normalised title and text as one string: the title, a newline, the text. */
export function normalizePost(input: { title?: string | null; text?: string | null }): string {
  return joinPost(normalize(input.title ?? ''), normalize(input.text ?? ''));
}

/** Title and text as one string (a text that starts with its title stands alone). */
export function joinPost(title: string, text: string): string {
  if (!title) return text;
  if (!text || text.startsWith(title)) return text || title;
  return `${title}\n${text}`;
}
