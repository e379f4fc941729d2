import iconv from 'iconv-lite';

/**
 * Charset detection and decoding (Miniflux's encoding/ step): a BOM wins, then a body that is
 * valid UTF-8 (declarations of GB2312 over UTF-8 bytes are common), then the declared charset
 * (HTTP header, XML prolog, HTML meta) if it decodes cleanly, else whichever of GB18030 and
 * Big5 reads as the more plausible Chinese text.
 *
 * Bad bytes never pass silently: a body in its declared charset with a few invalid bytes stays
 * in that charset, the bad bytes replaced by U+FFFD, and `warning` says how many. Only when a
 * large share is invalid may detection pick another charset, and that is a warning too.
 */
export interface Decoded {
  text: string;
  /** The charset actually used, e.g. utf-8, gb18030, big5. */
  charset: string;
  /** What the server or document claimed, if anything. */
  declared: string | null;
  /** How the charset was chosen. */
  how: 'bom' | 'utf8-valid' | 'declared' | 'detected' | 'ascii';
  /** Byte sequences invalid in `charset`, each replaced by U+FFFD in `text`. */
  invalid: number;
  /** For the source's health and the log (English): replaced bytes, or a declaration overruled. */
  warning: string | null;
}

/**
 * Declared UTF-8 stays UTF-8 unless more than this share of its non-ASCII characters is invalid.
 * GBK or Big5 text read as UTF-8 is 65–100% invalid (measured on short and long texts).
 */
export const DECLARED_INVALID_SHARE = 0.4;
/** Undeclared (or declared legacy) bytes are read as UTF-8 when at most this share is invalid. */
export const NEAR_UTF8_SHARE = 0.2;

const ALIASES: Record<string, string> = {
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  'windows-936': 'gb18030',
  'euc-cn': 'gb18030',
  'hz-gb-2312': 'gb18030',
  gb18030: 'gb18030',
  big5: 'big5',
  'big5-hkscs': 'big5',
  'x-x-big5': 'big5',
  'cn-big5': 'big5',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
};

/** A label as iconv-lite knows it; GB2312/GBK map to GB18030, their superset. */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (!l) return null;
  const alias = ALIASES[l];
  if (alias) return alias;
  return iconv.encodingExists(l) ? l : null;
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType);
  return m ? m[1] : null;
}

/** The charset named inside the document: XML prolog, or an HTML meta in the first 4 KB. */
export function charsetFromDocument(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const prolog = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (prolog) return prolog[1];
  const meta = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)/i.exec(head);
  return meta ? meta[1] : null;
}

function bom(bytes: Uint8Array): { charset: string; skip: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return null;
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

// The most frequent Chinese characters in both scripts. Text decoded with the wrong legacy
// charset turns into rare characters, so the share of these is a robust plausibility score.
const COMMON = new Set(
  Array.from(
    '的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日民问题区市县镇村路房小区业主政府部门反映情况希望请领导解决工作建设管理' +
      '這個們來為國說時會對過發後裡種經麼學現當沒動還進樣開從實問題區縣鎮業政請導決設網頁與東車長門關於電話',
  ),
);

function plausibility(text: string): number {
  let common = 0;
  let bad = 0;
  let cjk = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd) bad++;
    else if (c >= 0xe000 && c <= 0xf8ff) bad++; // private use: unmapped legacy bytes
    else if (c >= 0x4e00 && c <= 0x9fff) {
      cjk++;
      if (COMMON.has(ch)) common++;
    }
  }
  return common * 3 + cjk * 0.1 - bad * 10;
}

function decodeWith(bytes: Uint8Array, charset: string): string {
  return iconv.decode(Buffer.from(bytes), charset);
}

function countChar(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** Decodes with iconv-lite and counts the replacement characters it had to put in. */
export function decodeCounting(bytes: Uint8Array, charset: string): { text: string; invalid: number } {
  const text = decodeWith(bytes, charset);
  return { text, invalid: countChar(text, '\ufffd') };
}

/** UTF-8 with each invalid sequence replaced; `share` is the invalid part of the non-ASCII characters. */
function lenientUtf8(bytes: Uint8Array): { text: string; invalid: number; share: number } {
  const text = new TextDecoder('utf-8').decode(bytes);
  // A U+FFFD that was itself in the bytes (EF BF BD) is text, not a replaced sequence.
  const genuine = Buffer.from(bytes).toString('latin1').split('\xef\xbf\xbd').length - 1;
  const invalid = Math.max(0, countChar(text, '\ufffd') - genuine);
  let nonAscii = 0;
  for (const ch of text) if (ch.codePointAt(0)! >= 0x80) nonAscii++;
  return { text, invalid, share: nonAscii ? invalid / nonAscii : 0 };
}

function replaced(n: number, charset: string): string {
  return `${n} byte sequence${n === 1 ? '' : 's'} invalid in ${charset} replaced by U+FFFD`;
}

/** GB18030 or Big5 (or the declared legacy charset), whichever reads as more plausible Chinese. */
function detectLegacy(bytes: Uint8Array, declared: string | null): { charset: string; text: string; invalid: number; keptDeclared: boolean } {
  const candidates = new Map<string, string>();
  for (const cs of ['gb18030', 'big5']) candidates.set(cs, decodeWith(bytes, cs));
  if (declared && declared !== 'utf-8' && !candidates.has(declared)) candidates.set(declared, decodeWith(bytes, declared));
  let best = 'gb18030';
  let bestScore = -Infinity;
  for (const [cs, text] of candidates) {
    const s = plausibility(text);
    if (s > bestScore) {
      best = cs;
      bestScore = s;
    }
  }
  let keptDeclared = false;
  if (declared && declared !== 'utf-8') {
    const declaredScore = plausibility(candidates.get(declared)!);
    // Keep the declaration unless it is clearly worse than the best guess.
    if (declaredScore >= bestScore * 0.8 || declaredScore === bestScore) {
      best = declared;
      keptDeclared = true;
    }
  }
  const text = candidates.get(best)!;
  return { charset: best, text, invalid: countChar(text, '\ufffd'), keptDeclared };
}

/** Decodes a fetched body; `contentType` is the HTTP Content-Type header, if any. */
export function decodeBody(bytes: Uint8Array, contentType?: string | null): Decoded {
  const headerLabel = charsetFromContentType(contentType);
  const docLabel = charsetFromDocument(bytes);
  const declaredLabel = headerLabel ?? docLabel;
  const declared = normaliseCharset(declaredLabel);
  const base = { declared: declaredLabel, invalid: 0, warning: null };
  const b = bom(bytes);
  if (b) {
    const d = b.charset === 'utf-8' ? lenientUtf8(bytes.subarray(b.skip)) : decodeCounting(bytes.subarray(b.skip), b.charset);
    return { ...base, text: d.text, charset: b.charset, how: 'bom', invalid: d.invalid, warning: d.invalid ? replaced(d.invalid, b.charset) : null };
  }
  if (isAscii(bytes)) return { ...base, text: Buffer.from(bytes).toString('latin1'), charset: declared ?? 'utf-8', how: 'ascii' };
  const utf8 = tryUtf8(bytes);
  if (utf8 !== null) return { ...base, text: utf8, charset: 'utf-8', how: declared === 'utf-8' ? 'declared' : 'utf8-valid' };

  // Not valid UTF-8. Mostly valid (a few bad bytes in a UTF-8 body) is still UTF-8; legacy
  // Chinese charsets read as UTF-8 are invalid almost throughout.
  const u = lenientUtf8(bytes);
  const pct = `${Math.round(u.share * 100)}%`;
  if (declared === 'utf-8' && u.share <= DECLARED_INVALID_SHARE) {
    return { ...base, text: u.text, charset: 'utf-8', how: 'declared', invalid: u.invalid, warning: replaced(u.invalid, 'the declared charset utf-8') };
  }
  if (u.share <= NEAR_UTF8_SHARE) {
    const claim = declaredLabel ? `declared ${declaredLabel} but the bytes are UTF-8` : 'no charset declared; read as UTF-8';
    return { ...base, text: u.text, charset: 'utf-8', how: 'detected', invalid: u.invalid, warning: `${claim}; ${replaced(u.invalid, 'utf-8')}` };
  }
  const d = detectLegacy(bytes, declared);
  const how = d.keptDeclared ? 'declared' : 'detected';
  let warning: string | null = null;
  if (declared && !d.keptDeclared) warning = `declared ${declaredLabel} but ${declared === 'utf-8' ? `${pct} of the text is invalid UTF-8` : 'the text does not read as it'}; decoded as ${d.charset} by detection`;
  if (d.invalid) warning = warning ? `${warning}; ${replaced(d.invalid, d.charset)}` : replaced(d.invalid, d.charset);
  return { ...base, text: d.text, charset: d.charset, how, invalid: d.invalid, warning };
}

/** Removes an XML prolog's encoding declaration once the text is decoded (parsers would re-read it). */
export function stripXmlEncoding(text: string): string {
  return text.replace(/^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']/i, '$1');
}
