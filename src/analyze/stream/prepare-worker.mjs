// Worker-thread entry for `minsheng analyze`: TypeScript sources run through tsx, as in bin/minsheng.mjs.
import { register } from 'tsx/esm/api';
register();
await import('./prepare-worker.ts');
