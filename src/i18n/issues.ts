import type { z } from 'zod';
import { catalogue, t } from './index.ts';

/**
 * zod's issues as people read them: the field's Chinese name and what is wrong with it, in
 * Chinese (必须填写 / 至少 3 个字 / 不是有效的网址), instead of zod's English
 * ("key: Invalid input: expected string, received undefined"). The English stays in the error's
 * `message` for logs; this is its `userMessage`.
 */
type Issue = Pick<z.core.$ZodIssue, 'code' | 'path' | 'message'>;

/** The Chinese name of a field: `field.<name>` (configuration fields), then the audit trail's column labels. */
export function fieldName(path: readonly PropertyKey[]): string {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names[names.length - 1];
  const index = path.findLast((p) => typeof p === 'number');
  if (last === undefined) return index !== undefined ? t('validation.item', { n: Number(index) + 1 }) : t('validation.whole');
  const zh = catalogue();
  const label = zh[`field.${last}`] ?? zh[`audit.field.${last}`] ?? last;
  return index !== undefined && path.indexOf(index) < path.indexOf(last) ? `${t('validation.item', { n: Number(index) + 1 })}${label}` : label;
}

const TYPE_NAMES: Record<string, string> = { string: '文字', number: '数字', int: '整数', boolean: '是/否', array: '列表', object: '一组设置', date: '日期', bigint: '整数' };

function typeName(v: unknown): string {
  return TYPE_NAMES[String(v)] ?? t('validation.otherType');
}

/** What is wrong, without the field's name. */
export function issueProblem(issue: Issue): string {
  const i = issue as Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type':
      return i.input === undefined || i.input === null ? t('validation.required') : t('validation.type', { type: typeName(i.expected) });
    case 'too_small': {
      const min = String(i.minimum);
      if (i.origin === 'string') return min === '1' ? t('validation.required') : t('validation.minLength', { min });
      if (i.origin === 'array' || i.origin === 'set') return t('validation.minItems', { min });
      return t(i.inclusive === false ? 'validation.above' : 'validation.min', { min });
    }
    case 'too_big': {
      const max = String(i.maximum);
      if (i.origin === 'string') return t('validation.maxLength', { max });
      if (i.origin === 'array' || i.origin === 'set') return t('validation.maxItems', { max });
      return t(i.inclusive === false ? 'validation.below' : 'validation.max', { max });
    }
    case 'invalid_value':
      return t('validation.oneOf', { values: (i.values as unknown[] | undefined)?.map((v) => String(v)).join('、') ?? '' });
    case 'invalid_format':
      if (i.format === 'url') return t('validation.url');
      if (i.format === 'email') return t('validation.email');
      return t('validation.format');
    case 'unrecognized_keys':
      return t('validation.unknownKeys', { keys: (i.keys as string[] | undefined)?.join('、') ?? '' });
    case 'not_multiple_of':
      return t('validation.multipleOf', { n: String(i.divisor) });
    case 'custom': {
      // A refinement gives its zh-CN text in params.zh (its message stays English for logs).
      const zh = (i.params as { zh?: unknown } | undefined)?.zh;
      if (typeof zh === 'string') return zh;
      return /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : t('validation.format');
    }
    default:
      return /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : t('validation.format');
  }
}

/** One issue: 「企业微信机器人密钥」必须填写. */
export function issueText(issue: Issue): string {
  return t('validation.issue', { field: fieldName(issue.path), problem: issueProblem(issue) });
}

/** Every issue, joined with ；. */
export function issuesText(issues: readonly Issue[]): string {
  return issues.map(issueText).join('；');
}
