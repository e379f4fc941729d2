import type { z } from 'zod';
import { fieldName, issueProblem } from '../i18n/issues.ts';
import { t } from '../i18n/index.ts';
import { fieldLabel } from './labels.ts';

/** One field's problem, for people: the path in the body (e.g. ['config','key']) and a zh-CN sentence. */
export interface FieldProblem {
  path: string[];
  message: string;
}

/**
 * zod issues of a config as zh-CN sentences naming the field by its form label, placed on the
 * field: the same sentences as every other validation answer (i18n/issues.ts), never
 * "key: Invalid input: expected string, received undefined". `prefix` is where the config sits
 * in the request body, so the console can put the message under the field.
 */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], scope: string, prefix: string[] = ['config']): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...prefix, ...issue.path.map(String), key], message: t('validation.unknownKeys', { keys: key }) });
      continue;
    }
    const path = issue.path.map(String);
    const field = fieldLabel(scope, issue.path as (string | number)[]) ?? fieldName(issue.path);
    // A refinement's zh-CN text is a whole sentence already; it is shown under the field as it is.
    const message = issue.code === 'custom' ? issueProblem(issue) : t('validation.issue', { field, problem: issueProblem(issue) });
    out.push({ path: [...prefix, ...path], message });
  }
  return out;
}
