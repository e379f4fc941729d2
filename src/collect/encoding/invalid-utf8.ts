/**
 * Bad UTF-8 in pushed JSON. A body is decoded leniently with each invalid byte sequence turned
 * into `INVALID_UTF8_MARK` (a noncharacter, never sent as text), so that the records holding bad
 * bytes can be named and refused while a U+FFFD that was really sent stays an ordinary character.
 */
export const INVALID_UTF8_MARK = '\ufdd0';

const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);
const ESCAPED = Buffer.from('\\ufffd');

/** Lenient UTF-8 of a JSON text in which only bad sequences (not a genuine U+FFFD) become the mark. */
export function markInvalidUtf8(bytes: Buffer): string {
  // A genuine U+FFFD can only stand inside a JSON string, where its escape means the same.
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(REPLACEMENT); at >= 0; at = bytes.indexOf(REPLACEMENT, from)) {
    parts.push(bytes.subarray(from, at), ESCAPED);
    from = at + REPLACEMENT.length;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts).toString('utf8').replaceAll('\ufffd', INVALID_UTF8_MARK);
}

/**
 * Paths of the strings in `value` that hold a bad byte sequence, e.g. `title`, `replies[0].text`;
 * `mark` is U+FFFD for text already decoded with replacement (an import file).
 */
export function pathsWithInvalidUtf8(value: unknown, mark = INVALID_UTF8_MARK, path = ''): string[] {
  if (typeof value === 'string') return value.includes(mark) ? [path || '(value)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsWithInvalidUtf8(v, mark, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => pathsWithInvalidUtf8(v, mark, path ? `${path}.${k}` : k));
  return [];
}
