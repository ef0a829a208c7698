/**
 * The file store's index by owner: `<dir>/owners/<hash of the owner>/<id>`, one empty file per
 * session of that owner, so that listing one owner's sessions reads that owner's folder instead of
 * every session file. The index is a hint, the session files are the truth: a listing checks each
 * record it is pointed to and drops a marker whose record is gone or belongs to someone else now;
 * `prune` drops markers of records that no longer exist.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, unlinkIfPresent } from './lock-file.js';

/** Name of the index folder inside the sessions directory. */
export const OWNERS_FOLDER = 'owners';
/**
 * Written once the index holds every record that has an owner: directories made before the index
 * existed are indexed by one full scan, at the first listing.
 */
const COMPLETE_FILE = '.complete';
const ID = /^[A-Za-z0-9_-]{16,128}$/;

/** The index of one sessions directory. */
export class OwnerIndex {
  readonly #root: string;

  constructor(directory: string) {
    this.#root = join(directory, OWNERS_FOLDER);
  }

  /** The folder of one owner: a hash, so that any owner string makes a safe, short file name. */
  #folder(owner: string): string {
    return join(this.#root, createHash('sha256').update(owner).digest('base64url'));
  }

  /** Records that `id` belongs to `owner` (idempotent). */
  async add(owner: string, id: string): Promise<void> {
    const folder = this.#folder(owner);
    try {
      await writeFile(join(folder, id), '', { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return;
      if (errorCode(error) !== 'ENOENT') throw error;
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await writeFile(join(folder, id), '', { flag: 'w', mode: 0o600 });
    }
  }

  /** The IDs indexed under `owner` (some may be stale: the caller checks each record). */
  async ids(owner: string): Promise<string[]> {
    return (await listNames(this.#folder(owner))).filter((name) => ID.test(name));
  }

  /** Drops the marker of `id` under `owner`. */
  async remove(owner: string, id: string): Promise<void> {
    await unlinkIfPresent(join(this.#folder(owner), id));
  }

  /** Whether every owned record of the directory is indexed (see {@link COMPLETE_FILE}). */
  async complete(): Promise<boolean> {
    return (await listNames(this.#root)).includes(COMPLETE_FILE);
  }

  /** Notes that the index is complete. */
  async markComplete(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    await writeFile(join(this.#root, COMPLETE_FILE), '', { mode: 0o600 });
  }

  /** Drops every marker whose record `exists` says is gone, and owner folders left empty. */
  async sweep(exists: (id: string) => Promise<boolean>): Promise<void> {
    for (const name of await listNames(this.#root)) {
      if (name === COMPLETE_FILE) continue;
      const folder = join(this.#root, name);
      const ids = await listNames(folder);
      let left = ids.length;
      for (const id of ids) {
        if (ID.test(id) && !(await exists(id))) {
          await unlinkIfPresent(join(folder, id));
          left -= 1;
        }
      }
      // rmdir, not rm: a marker added since the listing keeps the folder (rmdir fails on it).
      if (left === 0) await rmdir(folder).catch(() => undefined);
    }
  }

  /** Removes the whole index (the directory is being cleared). */
  async clear(): Promise<void> {
    await rm(this.#root, { recursive: true, force: true });
  }
}

/** The names in `folder`; none when it does not exist. */
async function listNames(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}
