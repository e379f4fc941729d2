import { catalogue } from './index.ts';

/**
 * A catalogue message compiled once into its literal parts and placeholders, so that filling it
 * for every post is plain concatenation (`t()` runs a regular expression per call). The result is
 * exactly `t(key, vars)`: a placeholder without a value stays as written.
 */
export type Message = (vars?: Record<string, string | number>) => string;

export function compileMessage(key: string): Message {
  const template = catalogue()[key] ?? key;
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    literals.push(template.slice(last, m.index));
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  if (!names.length) return () => tail;
  return (vars = {}) => {
    let out = '';
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      out += literals[i] + (name in vars ? String(vars[name]) : `{${name}}`);
    }
    return out + tail;
  };
}
