/**
 * The WIT packages components/script_workflow/wit/deps holds: the host packages, the fixture
 * activities' own packages (which the extension packages `use` types from) and the extension
 * packages of all three fixture components. Committed as sources; wit.test.ts checks they are
 * what the generators in lib/component/wit-gen.ts produce now.
 */
import { exportedWitPackages, extensionWitPackages, hostWitPackages, type WitFile } from '../../lib/component/wit-gen.js';
import { FIXTURE_EXPORTS, opsInterface, stubInterface } from './fixtures.js';

export const SCRIPT_WIT_DEPS = 'components/script_workflow/wit/deps';

export function scriptWorkflowDeps(): WitFile[] {
  return [
    ...hostWitPackages(),
    ...exportedWitPackages([opsInterface, stubInterface]),
    ...FIXTURE_EXPORTS.flatMap((e) => extensionWitPackages([e.ifc], e.kind)),
  ];
}
