/** Worker thread entry: a workflow worker that can run its workflow's activity children in its own thread (./in-thread.ts). */
import { serveWorkflows } from '../../runtime/hot/serve.js';
import { InThread } from './in-thread.js';

serveWorkflows(new InThread());
