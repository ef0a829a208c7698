/**
 * The client address as the device list keeps it, truncated for privacy: an IPv4 address to its
 * /24 network (`203.0.113.0`), an IPv6 address to its /48 (`2001:db8:1::`). Enough to tell a home
 * from an office, not to find a person.
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/;

/** The truncated form of `address`, or `undefined` when it is missing or not an IP address. */
export function truncateAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  // An IPv4 address carried in IPv6 (`::ffff:203.0.113.7`, as Node reports dual-stack sockets).
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  const v4 = IPV4.exec(plain);
  if (v4 !== null) {
    const parts = [v4[1], v4[2], v4[3]].map(Number);
    return parts.every((part) => part <= 255) ? `${parts.join('.')}.0` : undefined;
  }
  if (!/^[0-9A-Fa-f:]+$/.test(plain) || !plain.includes(':') || plain.length > 39) return undefined;
  const halves = plain.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  if (halves.length === 1 && head.length !== 8) return undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || [...head, ...tail].some((group) => group.length === 0 || group.length > 4)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return `${groups.slice(0, 3).map((group) => parseInt(group, 16).toString(16)).join(':')}::`;
}
