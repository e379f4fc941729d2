import { catalogue, t } from '../i18n/index.ts';

/**
 * Labels of configurable fields, from the zh-CN catalogue (src/i18n/zh-CN/forms.ts):
 * `form.<scope>.<dotted path>` and `….help`. A scope is `channel.<kind>` or `source`.
 */
export function fieldKey(scope: string, path: readonly (string | number)[]): string {
  return `form.${scope}.${path.filter((p) => typeof p === 'string').join('.')}`;
}

/** The field's zh-CN label, or null when the catalogue has none. */
export function fieldLabel(scope: string, path: readonly (string | number)[]): string | null {
  const key = fieldKey(scope, path);
  return catalogue()[key] ?? null;
}

export function fieldHelp(scope: string, path: readonly (string | number)[]): string | null {
  return catalogue()[`${fieldKey(scope, path)}.help`] ?? null;
}

/** An option's zh-CN label: `form.enum.<field name>.<value>`, else the value itself. */
export function optionLabel(field: string, value: string): string {
  const key = `form.enum.${field}.${value}`;
  return key in catalogue() ? t(key) : value;
}
