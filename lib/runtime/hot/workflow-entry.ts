/** Worker thread entry: a workflow worker without in-thread attempts (the runtime alone). */
import { serveWorkflows } from './serve.js';

serveWorkflows();
