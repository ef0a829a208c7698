export {
  createSessionHandler,
  saveSession,
  type DefineSessionHandler,
  type SessionContext,
  type SessionEvent,
  type SessionHandlerOptions,
} from './session-handler.js';
export { Session, type SessionData } from '@sess/core';
