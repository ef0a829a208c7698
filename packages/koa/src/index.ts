export { session } from './session.js';
export { Session, type SessionData } from '@sess/core';
