import { z } from 'zod';

type Shape<T> = { [K in keyof T]-?: z.ZodType };
/** No key T lacks, and every field able to hold T's value (a mismatch names the type it cannot hold). */
type Exact<T, S> = { [K in Exclude<keyof S, keyof T>]: never } & {
  [K in keyof T & keyof S]: [T[K]] extends [z.output<S[K]>] ? unknown : { cannotHold: T[K] };
};

/**
 * A zod object schema checked against a TypeScript type T: a row Kysely selects, or an object a
 * store function builds. The compiler refuses a schema that lacks one of T's keys, names a key T
 * has not, or has a field that cannot hold T's value, so an API answer declared with it neither
 * drops a field the store returns (the serializer strips unknown keys) nor promises one it never
 * sends.
 *
 *   export const departmentSchema = shapeOf<Department>()({ id: z.number(), code: z.string(), … });
 */
export function shapeOf<T extends object>() {
  return <const S extends Shape<T>>(shape: S & Exact<T, S>): z.ZodObject<S> => z.object(shape as S) as z.ZodObject<S>;
}

/**
 * A stored JSON value (a JSON column) in an API answer: typed and documented by `schema`, passed
 * through as stored. Reading the column is where it is checked; the way out never refuses a row
 * written by an older version (or a test's shortcut) that lacks a field.
 */
export function storedJson<S extends z.ZodType>(schema: S) {
  const { $schema: _s, ...documented } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return z.custom<z.output<S>>().meta(documented);
}
