/** The plain-files execution store: the public surface. */
export { ExecutionStore, APPEND_LOCK_STALE_MS, type StoreOptions, type ExecutionRecord } from './execution-store.js';
export { Lease } from './lease.js';
export type { ChildLine } from './children.js';
export type { LeaseRequest } from './acquire.js';
export type { RebuildReport } from './rebuild.js';
export { nodeFileLayer, type FileLayer, type AppendFile, type FileStat } from './file-layer.js';
export { stateOf, dueTimeOf, inboxWakes, consumedResponses, type ExecutionState } from './state.js';
export { markerName, parseMarkerName } from './layout.js';
