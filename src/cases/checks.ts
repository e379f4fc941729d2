import { t } from '../i18n/index.ts';
import type { ResponseKind } from './templates.ts';

/**
 * Checks a reply draft before approval (DESIGN §1 reply style): no bureaucratic stock phrases,
 * the three parts present (thanks; situation and measures; invitation to contact), a phone
 * number, and nothing left unfilled. A firm statement needs its authoritative facts.
 */
export interface CheckIssue {
  code: 'stock_phrase' | 'missing_thanks' | 'missing_situation' | 'missing_contact' | 'missing_phone' | 'missing_facts' | 'placeholder' | 'empty';
  message: string;
  phrase?: string;
}

const THANKS = /感谢|谢谢|致谢/;
const CONTACT = /欢迎|联系|来电|致电|咨询|反映/;
// Landline with or without area code (0571-81234567, 81234567), mobile, or the 12345 hotline.
const PHONE = /(?:0\d{2,3}[-－ ]?)?\d{7,8}|1[3-9]\d{9}|12345/;
const PLACEHOLDER = /【请填写[^】]*】|\{(?:department|phone|title|case_number|date|situation|measures|facts|subject|signature)\}/g;

function paragraphs(body: string): string[] {
  return body
    .split(/\n\s*\n|\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * A firm statement's facts: what stands after its opening line, without the closing paragraph
 * (the one carrying the contact phone) and the signature and date lines at the end.
 */
function firmFacts(paras: string[]): string {
  const rest = paras.slice(1);
  while (rest.length && rest[rest.length - 1].length <= 30 && !/[。！？]/.test(rest[rest.length - 1])) rest.pop();
  return rest.filter((p) => !PHONE.test(p)).join('').replace(PLACEHOLDER, '');
}

export function checkResponse(kind: ResponseKind, body: string, stockPhrases: readonly string[]): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const text = body.trim();
  if (!text) return [{ code: 'empty', message: t('response.check.empty') }];
  for (const phrase of stockPhrases) {
    if (phrase && text.includes(phrase)) issues.push({ code: 'stock_phrase', phrase, message: t('response.check.stockPhrase', { phrase }) });
  }
  for (const m of new Set(text.match(PLACEHOLDER) ?? [])) issues.push({ code: 'placeholder', message: t('response.check.placeholder', { text: m }) });
  const paras = paragraphs(text);
  if (kind === 'reply') {
    if (!THANKS.test(paras[0] ?? '')) issues.push({ code: 'missing_thanks', message: t('response.check.missingThanks') });
    const last = paras.length > 1 ? paras[paras.length - 1] : '';
    const middle = paras.slice(1, -1).join('').replace(PLACEHOLDER, '');
    if (paras.length < 3 || middle.length < 10) issues.push({ code: 'missing_situation', message: t('response.check.missingSituation') });
    if (!CONTACT.test(last)) issues.push({ code: 'missing_contact', message: t('response.check.missingContact') });
  }
  if (kind === 'firm') {
    if (firmFacts(paras).length < 10) issues.push({ code: 'missing_facts', message: t('response.check.missingFacts') });
  }
  if (kind !== 'statement' && !PHONE.test(text.replace(PLACEHOLDER, ''))) issues.push({ code: 'missing_phone', message: t('response.check.missingPhone') });
  return issues;
}
