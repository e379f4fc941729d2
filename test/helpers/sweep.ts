import { unzip } from '../cases/helpers.ts';
import type { ApiClient } from './server.ts';

/**
 * A walk over every operation of the API, driven by the server's own OpenAPI document: each
 * operation is called with ids planted in its path, query and body, by several callers, and
 * every answer is handed back for the test to judge. Generic on purpose: the scope sweep plants
 * another department's ids and looks for its text in the answers; another sweep may plant
 * anything and look for anything (secrets, say).
 *
 *   const ops = await loadOperations(server.url);
 *   const answers = await sweep(ops, [{ name: 'resp_zf', call: sessionCaller(client), aim: { foreign, own } }]);
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface Operation {
  method: string;
  /** The OpenAPI path, e.g. /api/cases/{id}/posts. */
  path: string;
  summary?: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  /** The JSON body's schema, when the operation takes one. */
  body?: JsonSchema;
  /** Takes a multipart/form-data upload instead. */
  multipart: boolean;
}

/** Every operation the server documents at /api/openapi.json (the console's own routes are not there). */
export async function loadOperations(baseUrl: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const params = (op.parameters ?? []) as { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        summary: op.summary,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema ?? {} })),
        body: content['application/json']?.schema,
        multipart: !!content['multipart/form-data'] || (op.consumes ?? []).includes('multipart/form-data'),
      });
    }
  }
  return ops;
}

/** The collection an operation's path id names: /api/cases/{id}/posts → cases, /api/reports/schedules/{id} → schedules. */
export function resourceOf(path: string): string {
  const parts = path.split('/');
  const i = parts.findIndex((p) => p.startsWith('{'));
  return i > 0 ? parts[i - 1] : (parts[parts.length - 1] ?? '');
}

/** What to plant. Each answer `undefined` means "nothing to plant here". */
export interface Planter {
  /** Values for a path parameter (one call each). */
  pathIds(op: Operation, param: string): readonly (number | string)[] | undefined;
  /** A value for an id field of the body or query (a field for which this answers is an id field). */
  fieldId(field: string, schema: JsonSchema, op: Operation): unknown;
  /** A valid value for an ordinary field the generic sampler would get wrong (a cron line, say). */
  sample?(field: string, schema: JsonSchema, op: Operation): unknown;
}

export interface SweepRequest {
  op: Operation;
  /** 'path' (the planted path), 'plain' (nothing planted), or the planted field's name. */
  variant: string;
  method: string;
  url: string;
  body?: unknown;
  /** Whether `url`'s path ids are planted ones (rather than the caller's own records). */
  plantedPath: boolean;
  /** Body or query fields holding planted ids. */
  plantedFields: string[];
}

const DAY = 86_400_000;

function pick(schema: JsonSchema): JsonSchema {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts?.length) return pick(alts.find((a) => a.type !== 'null') ?? alts[0]);
  if (schema.allOf?.length) return pick(Object.assign({}, ...schema.allOf));
  return schema;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  return undefined;
}

function sampleString(s: JsonSchema): string {
  if (s.format === 'date-time') return new Date(Date.now() + 7 * DAY).toISOString();
  if (s.format === 'date') return new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10);
  if (s.format === 'uri' || s.format === 'url') return 'http://127.0.0.1/sweep';
  if (s.format === 'email') return 'sweep@example.com';
  const candidates = ['扫描测试', '2026-01-01', '08:00', 'sweep', 'http://127.0.0.1/sweep', '1'];
  let out = candidates[0];
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    out = candidates.find((c) => re.test(c)) ?? out;
  }
  while (s.minLength && out.length < s.minLength) out += '测';
  return s.maxLength ? out.slice(0, s.maxLength) : out;
}

/**
 * A value that passes the schema: every property filled (optional ones too), so a call gets past
 * validation to the checks behind it. `field` is the property's name; `fill` may claim a field.
 */
export function sample(schema: JsonSchema, field = '', fill?: (field: string, schema: JsonSchema) => unknown, depth = 0): unknown {
  if (fill && field) {
    const v = fill(field, schema);
    if (v !== undefined) return v;
  }
  const s = pick(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum.find((e) => e !== null) ?? s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      return sampleString(s);
    case 'integer':
    case 'number': {
      // 1 where allowed: a zero is often refused by a rule beyond the schema (weights, counts).
      const low = Math.max(s.minimum ?? 1, s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      return s.maximum !== undefined ? Math.min(low, s.maximum) : low;
    }
    case 'boolean':
      return false;
    case 'array': {
      if (depth > 4 || !s.items) return [];
      const one = sample(s.items, '', undefined, depth + 1);
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => one);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 4) return out;
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v, k, fill, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

/** The id fields (by the planter) among a body's top-level properties and an operation's query parameters. */
function idFields(op: Operation, planter: Planter): { body: string[]; query: string[] } {
  const props = pick(op.body ?? {}).properties ?? {};
  return {
    body: Object.entries(props).filter(([k, v]) => planter.fieldId(k, v, op) !== undefined).map(([k]) => k),
    query: op.query.filter((q) => planter.fieldId(q.name, q.schema, op) !== undefined).map((q) => q.name),
  };
}

function fillPath(op: Operation, planter: Planter): string[] | undefined {
  let urls = [op.path];
  for (const p of op.pathParams) {
    const values = planter.pathIds(op, p);
    if (!values?.length) return undefined;
    urls = urls.flatMap((u) => values.map((v) => u.replace(`{${p}}`, encodeURIComponent(String(v)))));
  }
  return urls;
}

/**
 * The calls for one operation, aimed by `foreign` (what must stay out of reach) and `own` (the
 * caller's own records, to aim a planted body id at):
 *  - 'path': the path ids planted, the body filled without ids;
 *  - one per id field: that field planted, the path at the caller's own record (skipped when
 *    there is none), other id fields left out;
 *  - 'plain': nothing planted, for reads and for operations without any id.
 */
export function requestsFor(op: Operation, aim: { foreign: Planter; own?: Planter }): SweepRequest[] {
  const { foreign, own } = aim;
  const fields = idFields(op, foreign);
  const required = new Set(pick(op.body ?? {}).required ?? []);
  const build = (pathUrl: string, planted: string | null, plantedPath: boolean, variant: string): SweepRequest => {
    const sampler = (f: string, s: JsonSchema) => foreign.sample?.(f, s, op);
    let body: unknown;
    if (op.body) {
      const full = sample(op.body, '', sampler) as Record<string, unknown>;
      for (const f of fields.body) {
        if (f === planted || required.has(f)) full[f] = foreign.fieldId(f, pick(op.body).properties![f], op);
        else delete full[f];
      }
      body = full;
    }
    const qs = new URLSearchParams();
    for (const q of op.query) {
      const isId = fields.query.includes(q.name);
      if (isId && (q.name === planted || q.required)) qs.set(q.name, String(foreign.fieldId(q.name, q.schema, op)));
      else if (!isId && q.required) qs.set(q.name, String(sample(q.schema, q.name, sampler)));
    }
    const plantedFields = [...fields.body.filter((f) => f === planted || required.has(f)), ...fields.query.filter((f) => f === planted || op.query.find((q) => q.name === f)?.required)];
    const query = qs.toString();
    return { op, variant, method: op.method, url: query ? `${pathUrl}?${query}` : pathUrl, body, plantedPath, plantedFields };
  };
  const out: SweepRequest[] = [];
  const hasPath = op.pathParams.length > 0;
  if (hasPath) for (const u of fillPath(op, foreign) ?? []) out.push(build(u, null, true, 'path'));
  const ownPaths = hasPath ? (own ? fillPath(op, own) : undefined) : [op.path];
  for (const f of [...fields.body, ...fields.query]) for (const u of ownPaths ?? []) out.push(build(u, f, false, f));
  const anyIds = fields.body.length + fields.query.length > 0;
  if (!hasPath && (op.method === 'GET' || !anyIds)) out.push(build(op.path, null, false, 'plain'));
  return out;
}

export interface SweepAnswer {
  status: number;
  contentType: string;
  /** The answer as text; a zip (docx, xlsx) as the text of its entries. */
  text: string;
}

export type Caller = (req: SweepRequest) => Promise<SweepAnswer>;

/** A small CSV for upload operations. */
export function sampleUpload(): FormData {
  const form = new FormData();
  form.set('file', new Blob(['标题,正文\n扫描导入,扫描导入的正文内容\n'], { type: 'text/csv' }), 'sweep.csv');
  return form;
}

/** Calls as the logged-in user of `client` (its session cookie and CSRF token), to 127.0.0.1. */
export function sessionCaller(client: ApiClient, upload: (op: Operation) => FormData = sampleUpload): Caller {
  return async (req) => {
    const headers: Record<string, string> = {};
    if (client.cookie) headers.cookie = client.cookie;
    if (req.method !== 'GET' && client.csrf) headers['x-csrf-token'] = client.csrf;
    let body: BodyInit | undefined;
    if (req.op.multipart) body = upload(req.op);
    else if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const res = await fetch(client.base + req.url, { method: req.method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: readable(bytes) };
  };
}

function readable(bytes: Buffer): string {
  if (bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    try {
      return [...unzip(bytes).values()].map((b) => b.toString('utf8')).join('\n');
    } catch {
      /* not a zip after all */
    }
  }
  return bytes.toString('utf8');
}

export interface SweepRole {
  name: string;
  call: Caller;
  aim: { foreign: Planter; own?: Planter };
}

export interface SweepRecord {
  role: string;
  req: SweepRequest;
  answer: SweepAnswer;
}

/** Calls every operation as every role, one call at a time; `skip` leaves operations out (logout, streams). */
export async function sweep(ops: Operation[], roles: SweepRole[], opts: { skip?: (op: Operation) => boolean } = {}): Promise<SweepRecord[]> {
  const records: SweepRecord[] = [];
  for (const role of roles) {
    for (const op of ops) {
      if (opts.skip?.(op)) continue;
      for (const req of requestsFor(op, role.aim)) {
        const answer = await role.call(req);
        // SWEEP_DEBUG=1 prints every call and the start of its answer.
        if (process.env.SWEEP_DEBUG) console.log(`${role.name} ${req.method} ${req.url} [${req.variant}] ${answer.status} ${answer.text.slice(0, 160)}`);
        records.push({ role: role.name, req, answer });
      }
    }
  }
  return records;
}

/** Operations that end the caller's session or never answer; a sweep leaves them out. */
export function sessionBreaking(op: Operation): boolean {
  return ['/api/auth/login', '/api/auth/logout', '/api/auth/password'].includes(op.path) || op.path.endsWith('/stream');
}
