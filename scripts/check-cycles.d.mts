/** Types of check-cycles.mjs, for the tests that import it. */
export function runtimeImports(fileName: string, text: string): string[];
export function importGraph(root: string): Map<string, string[]>;
export function findCycles(graph: Map<string, string[]>): { files: string[]; cycle: string[] }[];
/** Import cycles among the TypeScript files under `root`, paths relative to it. */
export function checkCycles(root: string): { files: string[]; cycle: string[] }[];
