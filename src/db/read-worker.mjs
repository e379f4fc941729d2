// Worker-thread entry of a read thread (db/read-thread.ts): TypeScript sources run through tsx, as in bin/minsheng.mjs.
import { register } from 'tsx/esm/api';
register();
await import('./read-worker.ts');
