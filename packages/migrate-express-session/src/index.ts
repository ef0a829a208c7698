export {
  expressSessionSource,
  unsignExpressSessionCookie,
  type ExpressSessionSourceOptions,
  type ExpressSessionStore,
} from './express-session-source.js';
