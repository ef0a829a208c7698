export {
  nextSessions,
  type NextSessions,
  type NextSessionsOptions,
  type SessionProxy,
  type SessionFailure,
  type SessionRouteHandler,
} from './next-sessions.js';
export { ReadonlySession } from './readonly-session.js';
export type { AddressOf, HeaderSource } from './next-session-io.js';
export { Session, type SessionData } from '@sess/core';
