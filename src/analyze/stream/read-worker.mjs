// Worker-thread entry for the reading thread of `minsheng analyze` when the sources run through
// tsx (the bundled CLI starts its own compiled copy, see stream/piped.ts).
import { register } from 'tsx/esm/api';
register();
await import('./read-worker.ts');
