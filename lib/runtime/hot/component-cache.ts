/** Components as the runtime sees them: the loader's output, with WASI imports listed by name. */
import { loadComponent, type LoadedComponent } from '../../component/loader.js';
import type { WorkflowComponent } from '../workflow-run.js';
import type { ComponentRef } from './protocol.js';

export function asWorkflowComponent(loaded: LoadedComponent): WorkflowComponent {
  return {
    imports: [...loaded.types.imports, ...loaded.types.wasiImports.map((name) => ({ name, functions: [] }))],
    instantiate: async (imports) => loaded.instantiateSync(imports) as Record<string, unknown>,
  };
}

/** Loads from the transpile cache (a worker never transpiles what the main thread already did). */
export async function loadWorkflowComponent(ref: ComponentRef): Promise<WorkflowComponent> {
  return asWorkflowComponent(await loadComponent(ref.location, { cacheDir: ref.cacheDir, expectedDigest: ref.digest }));
}
