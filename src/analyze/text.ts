import * as OpenCC from 'opencc-js';

/**
 * Text normalisation for analysis (DESIGN §4): full-width ASCII forms → half width, the
 * ideographic space and other odd spaces → one plain space, traditional → simplified Chinese
 * (OpenCC, phrase level), runs of whitespace collapsed. Emoji and Weibo emoticons such as
 * "[心]" are kept as text: they carry sentiment.
 *
 * Most posts are already simplified and half width, so the function first scans the string
 * and returns it untouched when nothing needs changing; OpenCC only runs on text that holds
 * at least one traditional character.
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

/** Whether the string needs any rewriting at all (the common case is "no"). */
function needsWork(text: string): { width: boolean; space: boolean; trad: boolean } {
  let width = false;
  let space = false;
  let trad = false;
  let prevSpace = true; // leading space needs trimming
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      const sp = isPlainSpace(c);
      if (sp && (prevSpace || c !== 0x20)) space = true;
      prevSpace = sp;
      continue;
    }
    prevSpace = false;
    if (c >= 0xff01 && c <= 0xff5e) width = true;
    else if (isOddSpace(c)) space = true;
    else if (!trad && isTraditional(c)) trad = true;
  }
  if (prevSpace && text.length > 0) space = true; // trailing space
  return { width, space, trad };
}

let codes = new Uint16Array(1024);

/** Width and whitespace rewriting through a code-unit buffer (much faster than string concatenation). */
function rewrite(text: string): string {
  if (codes.length < text.length) codes = new Uint16Array(text.length * 2);
  let n = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (isPlainSpace(c) || isOddSpace(c)) {
      pendingSpace = n > 0;
      continue;
    }
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    if (pendingSpace) {
      codes[n++] = 0x20;
      pendingSpace = false;
    }
    codes[n++] = c;
  }
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
  const need = needsWork(text);
  let out = text;
  if (need.width || need.space) out = rewrite(out);
  if (need.trad) out = converter()(out);
  // rewriting leaves no full-width form and no odd or repeated space, so without a traditional
  // character (OpenCC's output is not re-checked) the result needs no further work either
  if (!need.trad) {
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
