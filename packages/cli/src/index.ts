export { runCli, type CliIo } from './run-cli.js';
export { UsageError } from './cli-error.js';
export { openStore, parseStoreUrl, STORE_URL_FORMS, type StoreLocation, type StoreNamespace } from './store-url.js';
