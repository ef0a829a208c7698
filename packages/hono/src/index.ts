export { session, type SessionEnv, type SessionMiddlewareOptions } from './session.js';
export { Session, type SessionData } from '@sess/core';
