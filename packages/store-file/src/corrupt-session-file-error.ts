import { SessError } from '@sess/core';

/**
 * A session file could not be read as a session record (truncated or hand-edited JSON, a file cut
 * short by a power loss). The store treats it as no session and reports it through
 * `FileStoreOptions.onError`; it never throws this error from `get`.
 */
export class CorruptSessionFileError extends SessError {
  static override readonly kind: string = 'CorruptSessionFileError';
  declare static readonly isInstance: (error: unknown) => error is CorruptSessionFileError;
  /** Absolute path of the file that was ignored. */
  readonly file: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(
      `[file] ignored the corrupt session file ${file} (${reason}); it is treated as no session and the next prune() deletes it`,
      options,
    );
    this.file = file;
  }
}
