import type { ReactNode } from 'react';
import { highlightRuns, rangeRuns, safeHref } from '../lib/safe.ts';

/**
 * Crawled and user-written text is shown as text, never as markup: React escapes it, so a post
 * containing <script> or <img onerror> is displayed literally. Line breaks are kept, and terms
 * can be highlighted without touching HTML.
 */
export function SafeText({ text, highlight = [], className }: { text: string | null | undefined; highlight?: string[]; className?: string }) {
  const runs = highlightRuns(text ?? '', highlight);
  return (
    <span className={className ?? 'ms-pre'}>
      {runs.map((r, i) =>
        r.hit ? (
          <mark key={i} className="ms-mark">
            {r.text}
          </mark>
        ) : (
          r.text
        ),
      )}
    </span>
  );
}

export function ExternalLink({ url, children }: { url: string | null | undefined; children?: ReactNode }) {
  const href = safeHref(url);
  if (!href) return <span className="ms-pre">{children ?? url ?? ''}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children ?? href}
    </a>
  );
}

/** Text with server-given character ranges marked (rule hits, sentiment cues). */
export function RangeText({ text, ranges }: { text: string; ranges: [number, number][] }) {
  return (
    <span className="ms-pre">
      {rangeRuns(text, ranges).map((r, i) =>
        r.hit ? (
          <mark key={i} className="ms-mark">
            {r.text}
          </mark>
        ) : (
          r.text
        ),
      )}
    </span>
  );
}
