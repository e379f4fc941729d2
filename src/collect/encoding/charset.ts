import iconv from 'iconv-lite';

/**
 * Charset detection and decoding (Miniflux's encoding/ step): a BOM wins, then a body that is
 * valid UTF-8 (declarations of GB2312 over UTF-8 bytes are common), then the declared charset
 * (HTTP header, XML prolog, HTML meta) if it decodes cleanly, else whichever of GB18030 and
 * Big5 reads as the more plausible Chinese text.
 */
export interface Decoded {
  text: string;
  /** The charset actually used, e.g. utf-8, gb18030, big5. */
  charset: string;
  /** What the server or document claimed, if anything. */
  declared: string | null;
  /** How the charset was chosen. */
  how: 'bom' | 'utf8-valid' | 'declared' | 'detected' | 'ascii';
}

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

/** Decodes a fetched body; `contentType` is the HTTP Content-Type header, if any. */
export function decodeBody(bytes: Uint8Array, contentType?: string | null): Decoded {
  const headerLabel = charsetFromContentType(contentType);
  const docLabel = charsetFromDocument(bytes);
  const declaredLabel = headerLabel ?? docLabel;
  const declared = normaliseCharset(declaredLabel);
  const b = bom(bytes);
  if (b) return { text: decodeWith(bytes.subarray(b.skip), b.charset), charset: b.charset, declared: declaredLabel, how: 'bom' };
  if (isAscii(bytes)) return { text: Buffer.from(bytes).toString('latin1'), charset: declared ?? 'utf-8', declared: declaredLabel, how: 'ascii' };
  const utf8 = tryUtf8(bytes);
  if (utf8 !== null) return { text: utf8, charset: 'utf-8', declared: declaredLabel, how: declared === 'utf-8' ? 'declared' : 'utf8-valid' };

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
  if (declared && declared !== 'utf-8') {
    const declaredScore = plausibility(candidates.get(declared)!);
    // Keep the declaration unless it is clearly worse than the best guess.
    if (declaredScore >= bestScore * 0.8 || declaredScore === bestScore) return { text: candidates.get(declared)!, charset: declared, declared: declaredLabel, how: 'declared' };
  }
  return { text: candidates.get(best)!, charset: best, declared: declaredLabel, how: 'detected' };
}

/** Removes an XML prolog's encoding declaration once the text is decoded (parsers would re-read it). */
export function stripXmlEncoding(text: string): string {
  return text.replace(/^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']/i, '$1');
}
