import type { ChannelMessage } from './base.ts';

/** Markdown for the chat robots (WeCom, DingTalk): a heading, the body, digest items, links. */
export function renderMarkdown(m: ChannelMessage, opts: { levelTag?: (m: ChannelMessage) => string; lineBreak?: string } = {}): string {
  const br = opts.lineBreak ?? '\n';
  const tag = opts.levelTag ? opts.levelTag(m) : `【${m.levelLabel}】`;
  const lines: string[] = [`### ${tag} ${escapeMd(m.title)}`];
  for (const l of m.body.split('\n')) if (l.trim()) lines.push(escapeMd(l));
  for (const item of m.items ?? []) lines.push(item.url ? `- 【${item.levelLabel}】[${escapeMd(item.title)}](${item.url})` : `- 【${item.levelLabel}】${escapeMd(item.title)}`);
  if (m.links.length) lines.push(m.links.map((l) => `[${l.label}](${l.url})`).join(' | '));
  return lines.join(br);
}

/** Keeps crawled text from turning into markdown structure (links, headings) in a chat message. */
export function escapeMd(text: string): string {
  return text.replace(/([\\[\]()*_`#>])/g, '\\$1').replace(/<[^>]*>/g, '');
}
