#!/usr/bin/env node
// Finds import cycles among the TypeScript files of a folder (default: src/).
// Static imports, re-exports and dynamic `import()` count; type-only imports (`import type`,
// `export type`, and imports whose every name is `type`) do not, since they vanish at run time.
// Usage: node scripts/check-cycles.mjs [folder]   (exit 1 and the cycles printed when there are any)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** The relative module specifiers a file loads at run time. */
export function runtimeImports(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0) {
      const arg = node.arguments[0];
      if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) out.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith('.'));
}

/** The import graph of the folder: file → files it loads (inside the folder). */
export function importGraph(root) {
  const files = walk(root);
  const known = new Set(files);
  const graph = new Map();
  for (const f of files) {
    const deps = new Set();
    for (const spec of runtimeImports(f, readFileSync(f, 'utf8'))) {
      const target = resolve(dirname(f), spec);
      const candidates = [target, `${target}.ts`, `${target}.tsx`, join(target, 'index.ts')];
      const hit = candidates.find((c) => known.has(c));
      if (hit) deps.add(hit);
    }
    graph.set(f, [...deps].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file that imports itself), each as one cycle through it. */
export function findCycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const strong = (v) => {
    // iterative Tarjan, so deep graphs do not overflow the stack
    const work = [[v, 0]];
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    while (work.length) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const deps = graph.get(node) ?? [];
      if (i < deps.length) {
        frame[1]++;
        const w = deps[i];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index);
          index++;
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(node, Math.min(low.get(node), idx.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === idx.get(node)) {
        const comp = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          comp.push(w);
        } while (w !== node);
        if (comp.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(comp);
      }
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  // One readable cycle per component: the shortest path back to its first file.
  return components.map((comp) => {
    const members = new Set(comp);
    const start = [...comp].sort()[0];
    const prev = new Map([[start, null]]);
    const queue = [start];
    let end = null;
    while (queue.length && end === null) {
      const v = queue.shift();
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [];
    for (let v = end; v !== null; v = prev.get(v)) path.unshift(v);
    return { files: [...comp].sort(), cycle: [...path, start] };
  });
}

export function checkCycles(root) {
  const abs = resolve(root);
  return findCycles(importGraph(abs)).map((c) => ({ files: c.files.map((f) => relative(abs, f)), cycle: c.cycle.map((f) => relative(abs, f)) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? new URL('../src', import.meta.url).pathname;
  const cycles = checkCycles(root);
  if (cycles.length === 0) {
    console.log(`no import cycles in ${relative(process.cwd(), resolve(root)) || '.'}`);
  } else {
    for (const c of cycles) console.log(`cycle (${c.files.length} files): ${c.cycle.join(' → ')}`);
    process.exit(1);
  }
}
