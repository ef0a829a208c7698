/**
 * Atomic replacement of a file: the content goes to a fresh temporary file in the same directory,
 * which is then renamed over the target. `rename` within one filesystem is atomic, so a reader sees
 * the old file or the new one, never a mix, and a process killed mid-write leaves at worst an
 * orphaned temporary file (which `FileStore.prune` removes), never a truncated session.
 */
import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorCode, unlinkIfPresent } from './lock-file.js';

/** Suffix of temporary files: `<target>.<16 hex digits>.tmp`. */
export const TEMPORARY_SUFFIX = '.tmp';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the new file. */
  mode: number;
  /** Flush the file and its directory to the disk before returning (survives a power cut). */
  fsync: boolean;
}

const isWindows = process.platform === 'win32';

/** The temporary path used for one write of `target`. */
export function temporaryPathFor(target: string): string {
  return `${target}.${randomBytes(8).toString('hex')}${TEMPORARY_SUFFIX}`;
}

/** Writes `content` to `target` atomically (temporary file, then `rename` over the target). */
export async function writeFileAtomic(target: string, content: string, options: WriteFileAtomicOptions): Promise<void> {
  const temporary = temporaryPathFor(target);
  // 'wx': never reuse or follow something already at the temporary name.
  const handle = await open(temporary, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      if (options.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await renameReplacing(temporary, target);
  } catch (error) {
    await unlinkIfPresent(temporary).catch(() => undefined);
    throw error;
  }
  if (options.fsync && !isWindows) await syncDirectory(dirname(target));
}

/**
 * `rename`, retried briefly on Windows, where replacing a file that another process has open fails
 * with `EPERM`/`EACCES`/`EBUSY` until that process closes it.
 */
async function renameReplacing(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = errorCode(error);
      const transient = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
      if (!isWindows || !transient || attempt >= 10) throw error;
      await new Promise<void>((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
    }
  }
}

/** Flushes a directory's entries, so that a rename into it survives a power cut. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
