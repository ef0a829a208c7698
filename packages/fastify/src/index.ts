export { session, saveSession, type SessionPlugin } from './session.js';
export { Session, type SessionData } from '@sess/core';
