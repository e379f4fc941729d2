import { z } from 'zod';

type Shape<T> = { [K in keyof T]-?: z.ZodType };
/**
 * No key T lacks, and every field able to hold T's value and no wider (a mismatch names the type it
 * cannot hold, or the narrower type it should say: a literal union is declared with its z.enum).
 */
type Exact<T, S> = { [K in Exclude<keyof S, keyof T>]: never } & {
  [K in keyof T & keyof S]: [T[K]] extends [z.output<S[K]>] ? ([z.output<S[K]>] extends [T[K]] ? unknown : { widerThan: T[K] }) : { cannotHold: T[K] };
};

/**
 * A zod object schema checked against a TypeScript type T: a row Kysely selects, or an object a
 * store function builds. The compiler refuses a schema that lacks one of T's keys, names a key T
 * has not, or has a field that cannot hold T's value or is wider than it, so an API answer declared
 * with it neither drops a field the store returns (the serializer strips unknown keys) nor promises
 * one it never sends, and a state or kind reaches the console as its literal union, not a string.
 *
 *   export const departmentSchema = shapeOf<Department>()({ id: z.number(), code: z.string(), … });
 */
export function shapeOf<T extends object>() {
  return <const S extends Shape<T>>(shape: S & Exact<T, S>): z.ZodObject<S> => z.object(shape as S) as z.ZodObject<S>;
}
