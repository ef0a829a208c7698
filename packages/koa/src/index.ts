export { session, type SessionMiddleware } from './session.js';
export { Session, type SessionData } from '@sess/core';
