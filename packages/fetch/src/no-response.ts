import type { SessionResponse } from '@sess/core';

/** Where the headers of a session go when the handler threw: there is no response to put them on. */
export const NO_RESPONSE: SessionResponse = {
  getHeader: () => undefined,
  setHeader: () => {},
  appendHeader: () => {},
};
