export * from './random-store-id.js';
export * from './test-store.js';
