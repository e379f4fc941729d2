/**
 * Checks the collectors' charset detection and parsers against real legacy feeds and pages in
 * ../shared/datasets/crawler_fixtures (read in place; never copied). Prints how many decode
 * cleanly and how many parse. Usage: npx tsx bench/crawler-fixtures.ts [DATASETS_DIR]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBody } from '../src/collect/encoding/charset.ts';
import { parseFeedText } from '../src/collect/parser/feed.ts';
import { parseListPage, parseDetailPage } from '../src/collect/parser/html.ts';
import { presetSelectors } from '../src/collect/parser/presets.ts';

const root = join(process.argv[2] ?? '../shared/datasets', 'crawler_fixtures');
if (!existsSync(root)) {
  console.log(`crawler fixtures not found at ${root}; skipping`);
  process.exit(0);
}

/** Decoded without replacement or private-use characters, apart from U+FFFD the file itself contains (thepaper_2 has one). */
function clean(text: string, bytes: Buffer): boolean {
  const bad = (text.match(/[\uFFFD\uE000-\uF8FF]/g) ?? []).length;
  const inFile = bytes.toString('latin1').split('\u00ef\u00bf\u00bd').length - 1;
  return bad <= inFile;
}

let decoded = 0;
let total = 0;
let feeds = 0;
let feedItems = 0;
let feedFiles = 0;
const rows: string[] = [];
const feedDir = join(root, 'rss_gb2312');
for (const name of readdirSync(feedDir).sort()) {
  total++;
  const bytes = readFileSync(join(feedDir, name));
  const d = decodeBody(bytes, null);
  const ok = clean(d.text, bytes);
  if (ok) decoded++;
  const isFeed = /<(rss|feed|rdf:RDF)\b/i.test(d.text);
  let parsed = '-';
  if (isFeed) {
    feedFiles++;
    try {
      const f = parseFeedText(d.text);
      feeds++;
      feedItems += f.items.length;
      parsed = `${f.format} ${f.items.length} items; first: ${f.items[0]?.title.slice(0, 30) ?? ''}`;
    } catch (err) {
      parsed = `PARSE ERROR ${(err as Error).message}`;
    }
  }
  rows.push(`${name.padEnd(55)} ${d.charset.padEnd(8)} ${d.how.padEnd(10)} ${ok ? 'clean' : 'DIRTY'}  ${parsed}`);
}
const htmlDir = join(root, 'html_pages');
let pages = 0;
let pagesOk = 0;
for (const name of readdirSync(htmlDir).sort()) {
  total++;
  pages++;
  const bytes = readFileSync(join(htmlDir, name));
  const d = decodeBody(bytes, null);
  const ok = clean(d.text, bytes);
  if (ok) decoded++;
  let info: string;
  if (name.startsWith('list_netease_forum')) {
    const items = parseListPage(d.text, 'https://bbs.example/forum.php', presetSelectors('discuz').list);
    info = `discuz list: ${items.items.length} threads; first: ${items.items[0]?.title} by ${items.items[0]?.author} at ${items.items[0]?.publishedAt}`;
    if (items.items.length) pagesOk++;
  } else {
    const detail = parseDetailPage(d.text, 'https://news.example/a.html', { body: 'article, .article, #article, .post_body, .post_text, #artibody, .content, #content, .TRS_Editor, body' });
    info = `detail: title "${detail.title?.slice(0, 30)}", ${detail.text.length} chars of text`;
    if (detail.text.length > 100) pagesOk++;
  }
  rows.push(`${name.padEnd(55)} ${d.charset.padEnd(8)} ${d.how.padEnd(10)} ${ok ? 'clean' : 'DIRTY'}  ${info}`);
}
console.log(rows.join('\n'));
console.log(`\ndecoded cleanly: ${decoded}/${total} files`);
console.log(`feeds parsed: ${feeds}/${feedFiles} feed documents (${feedItems} items); ${total - pages - feedFiles} files in rss_gb2312 are HTML, not feeds`);
console.log(`html pages parsed with content: ${pagesOk}/${pages}`);
