export { withSession } from './with-session.js';
export { sessionMiddleware, type SessionMiddleware } from './session-middleware.js';
export { getSession } from './get-session.js';
export type { FetchSessionOptions } from './fetch-session-options.js';
export { Session, type SessionData } from '@sess/core';
