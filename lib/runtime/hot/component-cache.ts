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

const known = new Map<string, Promise<WorkflowComponent>>();

/** Loads from the transpile cache (a worker never transpiles what the main thread already did); the
 *  same object for the same component, so its next run can renew the last instance. */
export function loadWorkflowComponent(ref: ComponentRef): Promise<WorkflowComponent> {
  const key = `${ref.cacheDir}\0${ref.digest}\0${ref.location}`;
  let found = known.get(key);
  if (!found) {
    found = loadComponent(ref.location, { cacheDir: ref.cacheDir, expectedDigest: ref.digest }).then(asWorkflowComponent);
    known.set(key, found);
    found.catch(() => known.delete(key));
  }
  return found;
}
