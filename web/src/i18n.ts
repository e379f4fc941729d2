import web, { type WebMessageKey } from '../../src/i18n/zh-CN/web.ts';

export type { WebMessageKey };

/** Console text from the shared zh-CN catalogue; `{name}` placeholders are filled from vars. */
export function t(key: WebMessageKey, vars: Record<string, string | number> = {}): string {
  const template: string = web[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** A catalogue lookup for keys built at run time (levels, roles, states); falls back to the raw value. */
export function tk(prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const key = `${prefix}.${value}` as WebMessageKey;
  return key in web ? t(key) : value;
}
