import { z } from 'zod';
import { fieldHelp, fieldLabel, optionLabel } from './labels.ts';

/** A JSON Schema object as the console's form reads it (draft 2020-12, from zod, with zh-CN titles). */
export type FormSchema = Record<string, unknown>;

/** Fields most offices never touch: the form folds them under “更多设置” (`x-advanced`). */
const ADVANCED = new Set(['baseUrl', 'timeout_seconds', 'max_bytes', 'headers', 'charset', 'allowSelfSigned', 'ok_path', 'ok_value', 'message_path', 'max_pages', 'max_details', 'list', 'detail']);

/**
 * A config schema as JSON Schema for the console's generated form: each property gets its
 * zh-CN `title` and `description` from the catalogue (scope `channel.<kind>` or `source`), an
 * enum its option labels in `x-enumLabels`, and the named secret fields `writeOnly` (shown as
 * password inputs that keep the masked value). Refinements zod cannot express (a charset name,
 * "at least one of") stay on the server, which answers each with a zh-CN sentence on the field.
 */
export function formSchema(schema: z.ZodType, scope: string, secretFields: readonly string[] = []): FormSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as FormSchema;
  delete json.$schema;
  label(json, scope, [], new Set(secretFields));
  return json;
}

function label(node: FormSchema, scope: string, path: string[], secrets: Set<string>): void {
  const properties = node.properties as Record<string, FormSchema> | undefined;
  if (!properties) return;
  for (const [name, prop] of Object.entries(properties)) {
    const at = [...path, name];
    prop.title = fieldLabel(scope, at) ?? name;
    const help = fieldHelp(scope, at);
    if (help) prop.description = help;
    if (!path.length && secrets.has(name)) prop.writeOnly = true;
    if (!path.length && ADVANCED.has(name)) prop['x-advanced'] = true;
    const values = (prop.enum ?? (prop.items as FormSchema | undefined)?.enum ?? (prop.additionalProperties as FormSchema | undefined)?.enum) as unknown[] | undefined;
    if (values) prop['x-enumLabels'] = Object.fromEntries(values.map((v) => [String(v), optionLabel(name, String(v))]));
    label(prop, scope, at, secrets);
  }
}

/** Every property path of a form schema whose title is still its code name (no catalogue label). */
export function unlabelled(schema: FormSchema, path: string[] = []): string[] {
  const properties = schema.properties as Record<string, FormSchema> | undefined;
  if (!properties) return [];
  return Object.entries(properties).flatMap(([name, prop]) => [...(prop.title === name ? [[...path, name].join('.')] : []), ...unlabelled(prop, [...path, name])]);
}
