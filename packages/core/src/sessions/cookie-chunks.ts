/**
 * The cookies of a cookie session too large for one cookie (`cookieChunks` option): the encrypted
 * value is cut into consecutive slices, one per cookie `name.0`, `name.1`, … `name.(n-1)`, and the
 * first slice starts with the count (`n.`). The slices are pieces of one AES-GCM ciphertext whose tag
 * covers all of them, sealed with `name/n` as additional data (a `/` cannot appear in a cookie name, so
 * this never equals the additional data of a single cookie): a slice moved to another position,
 * taken from another session, dropped or added makes the whole fail to open.
 */

/** Most cookies one session may span: 40 KB, past what most servers accept in one request anyway. */
export const MAX_COOKIE_CHUNKS = 10;

/** The name of chunk `index` of cookie `name`. */
export function chunkName(name: string, index: number): string {
  return `${name}.${index}`;
}

/** The additional data that binds a value cut into `count` chunks to the cookie name and the count. */
export function chunkedAdditionalData(name: string, count: number): string {
  return `${name}/${count}`;
}

/**
 * The indexes of the chunk cookies of `name` present in a `Cookie` header (`name.0` … `name.9`),
 * whether or not they make a whole: what a write must expire when it leaves them unused.
 */
export function presentChunks(header: string | null | undefined, name: string): number[] {
  const present: number[] = [];
  if (!header) return present;
  const prefix = `${name}.`;
  let at = header.indexOf(prefix);
  while (at !== -1) {
    // Only at the start of a pair: after the header's start, a ';' or spaces following one.
    let before = at - 1;
    while (before >= 0 && header[before] === ' ') before--;
    if (before < 0 || header[before] === ';') {
      const eq = header.indexOf('=', at + prefix.length);
      const digits = eq === -1 ? '' : header.slice(at + prefix.length, eq).trim();
      if (/^\d$/.test(digits) && !present.includes(Number(digits))) present.push(Number(digits));
    }
    at = header.indexOf(prefix, at + prefix.length);
  }
  return present.sort((a, b) => a - b);
}

/**
 * The whole value of a chunked cookie and its chunk count, or `undefined` when `name.0` is missing,
 * does not start with a count in `2..max`, or a chunk it announces is missing. The first value of
 * each chunk name is taken, as for a single cookie; authentication happens when the whole is opened.
 */
export function joinChunks(
  read: (cookieName: string) => string | undefined,
  name: string,
  max: number,
): { value: string; count: number } | undefined {
  const first = read(chunkName(name, 0));
  if (first === undefined) return undefined;
  const dot = first.indexOf('.');
  const count = Number(first.slice(0, dot));
  if (dot < 1 || dot > 2 || !Number.isInteger(count) || count < 2 || count > max) return undefined;
  let value = first.slice(dot + 1);
  for (let index = 1; index < count; index++) {
    const slice = read(chunkName(name, index));
    if (slice === undefined) return undefined;
    value += slice;
  }
  return { value, count };
}

/** Cuts `value` into `count` slices of at most `room` characters; the first carries the count. */
export function splitChunks(value: string, count: number, room: number): string[] {
  const slices: string[] = [];
  for (let index = 0; index < count; index++) slices.push(value.slice(index * room, (index + 1) * room));
  slices[0] = `${count}.${slices[0]}`;
  return slices;
}
