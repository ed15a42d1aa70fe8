/** The configuration layer's public surface. */
export { loadConfig } from './load.js';
export { parseConfig, type ParseOptions } from './parse.js';
export { InvalidConfigError, type ConfigIssue } from './issues.js';
export { hostAllows, parseHostPattern, type HostPattern } from './host-pattern.js';
export { sha256File, sha256Bytes } from './digest.js';
export type * from './types.js';
export { checkDistinctExports, type ComponentExports } from './exports.js';
