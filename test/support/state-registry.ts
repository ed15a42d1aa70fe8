/**
 * State folders a test keeps outside the temporary folder, for the shared replay check
 * (test/support/verify-state.ts). Folders under the temporary folder need no registration: the
 * check finds every one of them. There is no way to leave a folder out.
 */
const folders = new Map<string, string | undefined>();

/** `configPath`: the config whose components replay it (default: a *.toml beside the folder that names it). */
export function registerStateFolder(stateDir: string, configPath?: string): void {
  folders.set(stateDir, configPath);
}

export function registeredStateFolders(): [stateDir: string, configPath: string | undefined][] {
  return [...folders];
}
