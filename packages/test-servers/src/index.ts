export * from './free-port.js';
export * from './redis-cluster.js';
export * from './redis-server.js';
export * from './shared-servers.js';
export * from './tcp-proxy.js';
export * from './web-runtimes.js';
export * from './raw-header-names.js';
