export { DemoActions, MAX_CART_ITEMS, MAX_PENDING_FLASHES, type DemoSession } from './demo-actions.js';
export {
  DEVELOPMENT_SECRET,
  DemoConfigError,
  STORE_KINDS,
  developmentSecretWarning,
  readDemoConfig,
  type DemoConfig,
  type ReadDemoConfigOptions,
  type StoreKind,
} from './demo-config.js';
export type { DemoData } from './demo-data.js';
export { DemoHttpError } from './demo-http-error.js';
export { MAX_HANDLE_LENGTH, toDeviceView, type DeviceView } from './devices-view.js';
export { HTML_HEADERS, JSON_HEADERS, responseOf, type DemoResult } from './demo-result.js';
export { createDemoSessions, STORE_TIMEOUT_MS } from './create-demo-sessions.js';
export { createDemoStore, DEMO_REDIS_PREFIX, DEMO_TABLE, DRIVER_TIMEOUT_MS, withDefaultPostgresUser } from './create-demo-store.js';
export { wantsJson, type NegotiationHeaders } from './negotiation.js';
export { announce, listeningUrl, prepareDemo, type Closable, type PrepareDemoOptions } from './prepare-demo.js';
export { escapeHtml, renderErrorPage, renderPage, type PageView } from './render-page.js';
export {
  MAX_BODY_BYTES,
  isJsonMediaType,
  mediaType,
  readRequestBody,
  type BodyHeaders,
  type BodySource,
  type RequestBody,
} from './request-body.js';
export { MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH, readTextField } from './text-field.js';
