/**
 * Forms generated from the server's JSON Schemas (`/api/channel-kinds`, `/api/source-kinds`:
 * zod schemas with zh-CN titles and help from the catalogue). Each property becomes an antd
 * field with its label, help and inline checks; secrets are password inputs that keep the
 * masked value "********"; rarely used fields fold under “更多设置”; the whole config can be
 * edited as JSON instead (the “advanced” view). Problems the server finds come back per field
 * (`error.details.fields`) and are shown under the field.
 */
import { Collapse, Form, Input, InputNumber, Select, Switch, Typography, type FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import { useState, type ReactNode } from 'react';
import { t } from '../i18n.ts';
import { ApiError } from '../lib/api.ts';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  writeOnly?: boolean;
  'x-enumLabels'?: Record<string, string>;
  'x-advanced'?: boolean;
}

export const MASKED = '********';
type Path = (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? 'mixed' : s.type);
const isRecord = (s: JsonSchema) => typeOf(s) === 'object' && !s.properties && isObject(s.additionalProperties);

/** The schema's defaults, for a new item. */
export function schemaDefaults(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) if (prop.default !== undefined) out[name] = prop.default;
  return out;
}

/** The form's values as the server wants them: empty fields left out, numbers and flags as typed. */
export function cleanConfig(schema: JsonSchema, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(value)) return out;
  for (const [name, v] of Object.entries(value)) {
    const prop = schema.properties?.[name];
    if (v === undefined || v === null || v === '') continue;
    if (prop && typeOf(prop) === 'object' && prop.properties) {
      const inner = cleanConfig(prop, v);
      if (Object.keys(inner).length) out[name] = inner;
      continue;
    }
    if (Array.isArray(v) && !v.length && !prop?.default) continue;
    if (isObject(v) && !Object.keys(v).length) continue;
    if (prop && typeOf(prop) === 'mixed' && typeof v === 'string') {
      out[name] = v === 'true' ? true : v === 'false' ? false : v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
      continue;
    }
    out[name] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

function pairsText(v: unknown): string {
  return isObject(v) ? Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join('\n') : typeof v === 'string' ? v : '';
}
function parsePairs(text: string): Record<string, string> | string {
  if (typeof text !== 'string') return text;
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([^:：]+?)\s*[:：]\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
    else if (line.trim()) return text; // left as text: the validator names the line
  }
  return out;
}

function rulesOf(prop: JsonSchema, required: boolean): Rule[] {
  const field = prop.title ?? '';
  const rules: Rule[] = [];
  if (required) rules.push({ required: true, whitespace: typeOf(prop) === 'string', message: t('web.form.required', { field }) });
  if (typeOf(prop) === 'string' && !prop.writeOnly) {
    if (prop.minLength && prop.minLength > 1) rules.push({ min: prop.minLength, message: t('web.form.tooShort', { field, min: prop.minLength }) });
    if (prop.maxLength) rules.push({ max: prop.maxLength, message: t('web.form.tooLong', { field, max: prop.maxLength }) });
    if (prop.format === 'uri') rules.push({ pattern: /^https?:\/\/\S+$/i, message: t('web.form.url', { field }) });
  }
  if (typeOf(prop) === 'array' && prop.items?.format === 'email') {
    rules.push({
      validator: (_, v: unknown) => {
        const bad = (Array.isArray(v) ? v : []).find((x) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(x)));
        return bad === undefined ? Promise.resolve() : Promise.reject(new Error(t('web.form.email', { value: String(bad) })));
      },
    });
  }
  if (isRecord(prop)) {
    rules.push({
      validator: (_, v: unknown) => {
        if (typeof v !== 'string') return Promise.resolve();
        const n = v.split('\n').findIndex((line) => line.trim() && !/[:：]/.test(line));
        if (n < 0) return Promise.resolve();
        return Promise.reject(new Error(t('web.form.pairInvalid', { n: n + 1 })));
      },
    });
  }
  return rules;
}

/** One property as an antd field. */
function Field({ name, prop, path, required }: { name: string; prop: JsonSchema; path: Path; required: boolean }): ReactNode {
  const label = prop.title ?? name;
  const common = { name: path, label, extra: prop.description, rules: rulesOf(prop, required) };
  const labels = prop['x-enumLabels'] ?? {};
  const options = (values: unknown[]) => values.map((v) => ({ value: v as string, label: labels[String(v)] ?? String(v) }));
  const kind = typeOf(prop);
  if (kind === 'object' && prop.properties) {
    return (
      <fieldset className="ms-schema-group" style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 12px', marginBottom: 12 }}>
        <legend style={{ fontSize: 14, width: 'auto', padding: '0 4px', marginBottom: 4 }}>{label}</legend>
        {prop.description && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{prop.description}</Typography.Paragraph>}
        {Object.entries(prop.properties).map(([n, p]) => (
          <Field key={n} name={n} prop={p} path={[...path, n]} required={!!prop.required?.includes(n) && p.default === undefined} />
        ))}
      </fieldset>
    );
  }
  if (isRecord(prop)) {
    return (
      <Form.Item {...common} extra={prop.description ?? t('web.form.pairs')} getValueProps={(v: unknown) => ({ value: pairsText(v) })} normalize={(text: string) => parsePairs(text)}>
        <Input.TextArea autoSize={{ minRows: 2 }} placeholder={t('web.form.pairs')} />
      </Form.Item>
    );
  }
  if (kind === 'array') {
    if (prop.items?.enum) return <Form.Item {...common}><Select mode="multiple" allowClear options={options(prop.items.enum)} /></Form.Item>;
    return (
      <Form.Item
        {...common}
        extra={prop.description ?? t('web.form.lines')}
        getValueProps={(v: unknown) => ({ value: Array.isArray(v) ? v.join('\n') : '' })}
        normalize={(text: string) => text.split(/[\n,，、;；]/).map((x) => x.trim()).filter(Boolean)}
      >
        <Input.TextArea autoSize={{ minRows: 2 }} placeholder={t('web.form.lines')} />
      </Form.Item>
    );
  }
  if (prop.enum) return <Form.Item {...common}><Select allowClear={!required} options={options(prop.enum)} /></Form.Item>;
  if (kind === 'boolean') return <Form.Item {...common} valuePropName="checked"><Switch /></Form.Item>;
  if (kind === 'integer' || kind === 'number') {
    return (
      <Form.Item {...common}>
        <InputNumber min={prop.minimum} max={prop.maximum} precision={kind === 'integer' ? 0 : undefined} style={{ width: 200 }} />
      </Form.Item>
    );
  }
  if (prop.writeOnly) {
    return (
      <Form.Item {...common}>
        <Input.Password autoComplete="new-password" placeholder={t('web.form.secretKept')} visibilityToggle={{}} />
      </Form.Item>
    );
  }
  return <Form.Item {...common}><Input placeholder={prop.default !== undefined ? String(prop.default) : prop.format === 'uri' ? 'https://' : undefined} /></Form.Item>;
}

/** The schema's fields under `name` (default `config`) of the surrounding antd form. */
export function SchemaFields({ schema, name = 'config' }: { schema: JsonSchema; name?: string }) {
  const entries = Object.entries(schema.properties ?? {});
  if (!entries.length) return <Typography.Paragraph type="secondary">{t('web.form.noSettings')}</Typography.Paragraph>;
  const field = ([n, p]: [string, JsonSchema]) => <Field key={n} name={n} prop={p} path={[name, n]} required={!!schema.required?.includes(n) && p.default === undefined} />;
  const main = entries.filter(([, p]) => !p['x-advanced']);
  const more = entries.filter(([, p]) => p['x-advanced']);
  return (
    <div data-testid="schema-form">
      {main.map(field)}
      {more.length > 0 && <Collapse size="small" style={{ marginBottom: 12 }} items={[{ key: 'more', label: t('web.form.more'), forceRender: true, children: more.map(field) }]} />}
    </div>
  );
}

/**
 * The config part of an entity's form: generated fields, or the same config as JSON (the
 * advanced view). `read()` gives the config to send, or null after marking what is wrong.
 */
export function useConfigEditor(form: FormInstance, schema: JsonSchema | undefined, name = 'config') {
  const [json, setJson] = useState(false);
  const current = (): Record<string, unknown> => cleanConfig(schema ?? {}, form.getFieldValue(name));
  const parse = (): Record<string, unknown> | null => {
    const text = String(form.getFieldValue(`${name}__json`) ?? '').trim() || '{}';
    try {
      const v = JSON.parse(text) as unknown;
      if (!isObject(v)) throw new SyntaxError(t('web.form.jsonNotObject'));
      return v;
    } catch (err) {
      form.setFields([{ name: `${name}__json`, errors: [err instanceof SyntaxError && err.message === t('web.form.jsonNotObject') ? err.message : t('web.form.jsonInvalid', { detail: (err as Error).message })] }]);
      return null;
    }
  };
  const toggle = (on: boolean) => {
    if (on) {
      form.setFieldValue(`${name}__json`, JSON.stringify(current(), null, 2));
      setJson(true);
    } else {
      const v = parse();
      if (!v) return;
      form.setFieldValue(name, v);
      setJson(false);
    }
  };
  const element = (
    <div>
      <div style={{ display: 'flex', justifyContent: 'flex-end', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }} title={t('web.form.advancedJsonHelp')}>{t('web.form.advancedJson')}</Typography.Text>
        <Switch size="small" checked={json} onChange={toggle} data-testid="advanced-json" />
      </div>
      {json ? (
        <Form.Item name={`${name}__json`} extra={t('web.form.advancedJsonHelp')}>
          <Input.TextArea autoSize={{ minRows: 4 }} style={{ fontFamily: 'monospace' }} spellCheck={false} />
        </Form.Item>
      ) : (
        schema && <SchemaFields schema={schema} name={name} />
      )}
    </div>
  );
  return {
    element,
    json,
    /** Fills the editor with a stored config (secrets masked), leaving the JSON view. */
    load(config: Record<string, unknown>) {
      setJson(false);
      form.setFieldValue(name, config);
    },
    /** The config to send; null when the JSON does not parse (the field says why). */
    read(): Record<string, unknown> | null {
      return json ? parse() : current();
    },
    /** The server's per-field problems under their fields; true when any was placed. */
    showServerErrors(err: unknown): boolean {
      const fields = err instanceof ApiError ? (err.details as { fields?: { path: string[]; message: string }[] } | undefined)?.fields : undefined;
      if (!fields?.length) return false;
      if (json) form.setFields([{ name: `${name}__json`, errors: fields.map((f) => f.message) }]);
      else form.setFields(fields.map((f) => ({ name: f.path.length > 1 || f.path[0] !== name ? f.path : [name], errors: [f.message] })));
      return true;
    },
  };
}
