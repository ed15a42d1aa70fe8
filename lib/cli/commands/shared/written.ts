/** Writing generated files into a folder the user named: a file system refusal is their mistake to fix, not a bug. */
import { InputError } from '../../../model/errors.js';

export async function writtenFiles(dir: string, write: () => Promise<string[]>): Promise<string[]> {
  try {
    return await write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'EROFS' || code === 'EISDIR') {
      throw new InputError(`cannot write into ${dir}: ${(e as Error).message}; expected a folder that can be created or written to`, { cause: e });
    }
    throw e;
  }
}

export function writtenText(written: readonly string[]): string {
  return written.map((p) => `wrote ${p}\n`).join('');
}
