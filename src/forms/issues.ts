import type { z } from 'zod';
import { t } from '../i18n/index.ts';
import { fieldLabel } from './labels.ts';

/** One field's problem, for people: the path in the body (e.g. ['config','key']) and a zh-CN sentence. */
export interface FieldProblem {
  path: string[];
  message: string;
}

/** Custom refinements' English messages that have a zh-CN sentence of their own. */
const CUSTOM: Record<string, string> = {
  'unknown charset': 'form.issue.charset',
  'without a preset, list.item, list.title and list.link selectors are required': 'form.issue.htmlSelectors',
  'map at least one of title, text or html': 'form.issue.jsonFields',
};

/**
 * zod issues of a config as zh-CN sentences naming the field by its label (never
 * "key: Invalid input: expected string, received undefined"). `prefix` is where the config sits
 * in the request body, so the console can put the message under the field.
 */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], scope: string, prefix: string[] = ['config']): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...prefix, ...issue.path.map(String), key], message: t('form.issue.unknown', { field: key }) });
      continue;
    }
    const path = issue.path.map(String);
    const field = fieldLabel(scope, issue.path as (string | number)[]) ?? (path.length ? path.join('.') : t('form.issue.config'));
    out.push({ path: [...prefix, ...path], message: sentence(issue, field) });
  }
  return out;
}

function sentence(issue: z.core.$ZodIssue, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? t('form.issue.required', { field }) : t('form.issue.type', { field });
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? t('form.issue.required', { field }) : t('form.issue.tooShort', { field, min: String(issue.minimum) });
      if (issue.origin === 'array' && Number(issue.minimum) <= 1) return t('form.issue.required', { field });
      return t('form.issue.tooSmall', { field, min: String(issue.minimum) });
    case 'too_big':
      return issue.origin === 'string' ? t('form.issue.tooLong', { field, max: String(issue.maximum) }) : t('form.issue.tooBig', { field, max: String(issue.maximum) });
    case 'invalid_format':
      if (issue.format === 'url') return t('form.issue.url', { field });
      if (issue.format === 'email') return t('form.issue.email', { field });
      return t('form.issue.type', { field });
    case 'invalid_value':
      return t('form.issue.enum', { field });
    case 'custom':
      return CUSTOM[issue.message] ? t(CUSTOM[issue.message]!) : t('form.issue.other', { field });
    default:
      return t('form.issue.other', { field });
  }
}
