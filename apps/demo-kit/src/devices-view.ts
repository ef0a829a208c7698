/** The device list of the sample apps: what `GET /api/devices` answers and the page shows. */
import type { DeviceEntry } from '@sess/core';

/** One device as the JSON routes answer it (dates as ISO-8601 text). */
export interface DeviceView {
  handle: string;
  current: boolean;
  device: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** The JSON shape of one entry of `sessions.list` (no address: the demos do not keep one). */
export function toDeviceView(entry: DeviceEntry): DeviceView {
  return {
    handle: entry.handle,
    current: entry.current,
    device: entry.device,
    createdAt: entry.createdAt.toISOString(),
    lastSeenAt: entry.lastSeenAt.toISOString(),
    expiresAt: entry.expiresAt.toISOString(),
  };
}

/** Longest handle the revoke routes take; the core's handles are 43 characters. */
export const MAX_HANDLE_LENGTH = 200;
