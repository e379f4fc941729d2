import { createLanguageAnalyzer } from '../src/analyze/language.ts';
const a = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
for (const s of process.argv.slice(2)) { const r = a.analyze({ text: s }); console.log(s, r.tokens.join('/'), JSON.stringify(r.sentiment)); }
