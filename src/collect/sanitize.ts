import sanitizeHtml from 'sanitize-html';

/**
 * The kept sanitizer for crawled HTML: text structure, links and images survive; scripts,
 * styles, event handlers (on*=), iframes and javascript:/data: URLs never reach the database.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'div', 'span', 'a', 'img', 'ul', 'ol', 'li', 'b', 'strong', 'i', 'em', 'u', 's', 'blockquote', 'pre', 'code',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'hr', 'font', 'sub', 'sup', 'figure', 'figcaption',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }) },
};

export function sanitizeContent(html: string, baseUrl?: string | null): string {
  const clean = sanitizeHtml(html, OPTIONS).trim();
  if (!baseUrl) return clean;
  // Relative links and images would point at our own console; make them absolute.
  return clean.replace(/(href|src)="([^"]*)"/g, (all, attr: string, value: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//') || value.startsWith('#')) return all;
    try {
      return `${attr}="${new URL(value.replace(/&amp;/g, '&'), baseUrl).toString().replace(/&/g, '&amp;')}"`;
    } catch {
      return all;
    }
  });
}

/** Plain text of an HTML fragment: block elements become line breaks, entities decoded. */
export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6]|\/blockquote)\b[^>]*>/gi, '\n');
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe'] });
  return decodeEntities(text)
    .replace(/[ \t\u00a0\u3000]+/g, ' ')
    .replace(/ *\n[\s\n]*/g, '\n')
    .trim();
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => safeChar(Number(d)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function safeChar(code: number): string {
  try {
    return String.fromCodePoint(code);
  } catch {
    return '';
  }
}

/**
 * Text fields that should be plain but may carry markup (exports, pushes, APIs): markup is
 * reduced to text, while ordinary text with a "<" in it ("<1000元") is left alone.
 */
export function plainText(s: string): string {
  return /<\/?[a-z][a-z0-9]*\b[^<>]*>/i.test(s) ? htmlToText(s) : s.trim();
}
