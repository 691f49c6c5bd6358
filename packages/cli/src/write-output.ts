/**
 * Writing a rendered report so that a reader never sees half of it: the text goes to a temporary
 * file beside the target, which is then renamed over it (atomic on one file system). On any
 * failure the temporary file is removed and the target is left as it was.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { OutputError, describeSystemError } from './errors.ts';

/**
 * Writes `content` (one string, or pieces of one) to `fileName` atomically.
 * @throws {OutputError} naming the file: its directory is missing or not writable, it is a
 *   directory, or the disk is full. An error thrown by `content` itself is rethrown unchanged.
 *   Either way the target is left as it was and no temporary file remains.
 */
export async function writeAtomically(
  fileName: string,
  content: string | Iterable<string>,
): Promise<void> {
  const existing = await stat(fileName).catch(() => undefined);
  if (existing?.isDirectory() === true)
    throw new OutputError(fileName, 'is a directory, not a file');
  const directory = path.dirname(path.resolve(fileName));
  const temporary = path.join(
    directory,
    `.${path.basename(fileName)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temporary, 'wx');
    try {
      for (const chunk of typeof content === 'string' ? [content] : content)
        await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await rename(temporary, fileName);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    // Only file-system failures are about the output; anything else (a renderer's bug) goes on
    // as it is.
    if (typeof (error as NodeJS.ErrnoException).syscall !== 'string') throw error;
    const problem = describeSystemError(error);
    const where =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `cannot write: ${directory} does not exist`
        : `cannot write: ${problem}`;
    throw new OutputError(fileName, where, { cause: error });
  }
}
