export {
  connectStore,
  toConnectSession,
  fromConnectSession,
  SESS_FIELD,
  type ConnectStore,
  type ConnectStoreOptions,
  type ConnectSession,
  type ConnectCallback,
} from './connect-store.js';
