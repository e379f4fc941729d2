import common from './zh-CN/common.ts';
import auth from './zh-CN/auth.ts';
import workspace from './zh-CN/workspace.ts';
import collect from './zh-CN/collect.ts';
import alert from './zh-CN/alert.ts';
import language from './zh-CN/language.ts';
import rules from './zh-CN/rules.ts';
import web from './zh-CN/web.ts';
import cases from './zh-CN/cases.ts';
import report from './zh-CN/report.ts';
import learn from './zh-CN/learn.ts';
import outbound from './zh-CN/outbound.ts';
import signal from './zh-CN/signal.ts';
import forms from './zh-CN/forms.ts';
import rsshub from './zh-CN/rsshub.ts';
import assist from './zh-CN/assist.ts';
import audit from './zh-CN/audit.ts';
import validation from './zh-CN/validation.ts';

/**
 * The one zh-CN message catalogue. Each area keeps its messages in its own file under zh-CN/;
 * add the file to this list. An English locale would mirror the same keys.
 */
const zhCN: Record<string, string> = {
  ...common,
  ...auth,
  ...workspace,
  ...collect,
  ...alert,
  ...language,
  ...rules,
  ...web,
  ...cases,
  ...report,
  ...learn,
  ...outbound,
  ...signal,
  ...forms,
  ...rsshub,
  ...assist,
  ...audit,
  ...validation,
};

export type MessageKey = string;

/** Looks up a message and fills `{name}` placeholders. Unknown keys return the key itself. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = zhCN[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function catalogue(): Readonly<Record<string, string>> {
  return zhCN;
}
