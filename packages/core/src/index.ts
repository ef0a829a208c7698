export * from './errors.js';
export * from './store.js';
export * from './store-helpers.js';
