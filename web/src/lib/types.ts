/**
 * The API's answers and bodies, as the server's zod schemas define them (src/server/api-types.ts).
 * Type-only: nothing of the server enters the bundle. Shapes are snake_case as the server sends them.
 */
export type * from '../../../src/server/api-types.ts';
