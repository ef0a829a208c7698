export { FileStore, type FileStoreOptions } from './file-store.js';
export { CorruptSessionFileError } from './corrupt-session-file-error.js';
