/**
 * The few parts of the global WebAssembly API the loader uses, typed locally: this project's
 * TypeScript setup (lib ES2023, @types/node 20) declares no `WebAssembly` namespace.
 */

/** A compiled core module (a `WebAssembly.Module`). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** An instantiated core module (a `WebAssembly.Instance`). */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export function compileWasm(bytes: Uint8Array): Promise<WasmModule> {
  return api.compile(bytes);
}

export function instantiateWasm(module: WasmModule, imports: Record<string, Record<string, unknown>>): WasmInstance {
  return new api.Instance(module, imports);
}
