export * from './app-starter.js';
export * from './cookie-jar.js';
export * from './fuzz-adapter.js';
export * from './map-store.js';
export * from './serve-adapter.js';
export * from './standard-routes.js';
export * from './test-adapter.js';
