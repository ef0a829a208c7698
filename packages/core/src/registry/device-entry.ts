/** What the session registry tells about one session of a user, and how a record becomes one. */
import { UNKNOWN_DEVICE } from './device-label.js';
import { DEVICE_KEY, EXPIRY_KEY, type DeviceInfo, type ExpirySettings } from '../session/session-data.js';

/** One session of a user, as `sessions.list` returns it: safe to put in a page (no ID, no cookie). */
export interface DeviceEntry {
  /** Names this session for `sessions.revoke`; useless as a cookie, and reveals no ID. */
  handle: string;
  /** Whether this is the session of the request `list` was given. */
  current: boolean;
  /** A short label of the browser and system the session was made on, such as "Firefox on Linux". */
  device: string;
  /** The truncated client address at creation, when the `deviceAddress` option is on. */
  address?: string;
  /** When the session was made (a login's regeneration makes a new one). */
  createdAt: Date;
  /**
   * When the session was last renewed: exact to the renewal step (`touchAfter`) while the idle
   * timeout sets its deadline, since it is read from the deadline the renewals move (reads write nothing).
   */
  lastSeenAt: Date;
  /** When the session ends unless renewed. */
  expiresAt: Date;
}

/** The parts of a record a device entry is made of (its data still encoded: only core keys are read). */
export interface RegistryRecord {
  data: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
}

/** The device entry of `record`, given its handle; `idleMs` is the default idle timeout. */
export function toDeviceEntry(record: RegistryRecord, handle: string, current: boolean, idleMs: number, now: number): DeviceEntry {
  const device = record.data[DEVICE_KEY] as DeviceInfo | undefined;
  const expiry = record.data[EXPIRY_KEY] as ExpirySettings | undefined;
  const idle = typeof expiry?.idle === 'number' ? expiry.idle * 1000 : idleMs;
  // Each renewal sets the deadline to "now + idle" (unless a fixed or absolute end comes first), so
  // the last renewal is the deadline minus the idle timeout, within [createdAt, now].
  const lastSeenAt = Math.min(now, Math.max(record.createdAt, record.expiresAt - idle));
  const entry: DeviceEntry = {
    handle,
    current,
    device: typeof device?.label === 'string' ? device.label : UNKNOWN_DEVICE,
    createdAt: new Date(record.createdAt),
    lastSeenAt: new Date(lastSeenAt),
    expiresAt: new Date(record.expiresAt),
  };
  if (typeof device?.address === 'string') entry.address = device.address;
  return entry;
}

/** Newest first, the way a device list reads. */
export function newestFirst(a: DeviceEntry, b: DeviceEntry): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || b.lastSeenAt.getTime() - a.lastSeenAt.getTime();
}
