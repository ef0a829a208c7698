import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCookie, serializeCookie } from './cookie-header.js';

/** The plain reading of a Cookie header, pair by pair: what `readCookie` must agree with. */
function reference(header: string, name: string): string[] {
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
    if (values.length === 4) break;
  }
  return values;
}

describe('readCookie', () => {
  it('finds every value of a name, trimmed and unquoted, and nothing else', () => {
    expect(readCookie('a=1; sid=x.y; b=2;sid="q"', 'sid')).toEqual(['x.y', 'q']);
    expect(readCookie('xsid=1; sidx=2', 'sid')).toEqual([]);
    expect(readCookie(undefined, 'sid')).toEqual([]);
    expect(readCookie('sid', 'sid')).toEqual([]);
  });

  it('agrees with a pair-by-pair reading on any header made of names, values, semicolons and equals signs', () => {
    const piece = fc.constantFrom('sid', 'a', ' ', ';', '=', '"', 'x.y', 'sid=', '; sid=v');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const header = pieces.join('');
        expect(readCookie(header, 'sid')).toEqual(reference(header, 'sid'));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a 1 MiB header of semicolons and equals-less pairs in one pass', () => {
    expect(readCookie(`${';'.repeat(1 << 20)}sid=v`, 'sid')).toEqual(['v']);
    expect(readCookie(`${'a;'.repeat(1 << 19)}sid=v; b=2`, 'sid')).toEqual(['v']);
    expect(readCookie(';'.repeat(1 << 20), 'sid')).toEqual([]);
  });

  it('considers at most four candidates', () => {
    expect(readCookie(Array.from({ length: 50 }, (_, i) => `sid=${i}`).join('; '), 'sid')).toHaveLength(4);
  });
});

describe('serializeCookie', () => {
  const options = { name: 'sid', path: '/', domain: undefined, secure: 'auto' as const, httpOnly: true, sameSite: 'lax' as const, partitioned: false };
  it('writes the default attributes', () => {
    expect(serializeCookie('v', options, true, 60, 0)).toBe(
      'sid=v; Path=/; Max-Age=60; Expires=Thu, 01 Jan 1970 00:01:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
  });
  it('omits Max-Age for a browser-session cookie and writes Domain and Partitioned when asked', () => {
    expect(serializeCookie('v', { ...options, domain: 'example.com', partitioned: true, sameSite: 'none' }, true, undefined, 0)).toBe(
      'sid=v; Path=/; Domain=example.com; HttpOnly; Secure; SameSite=None; Partitioned',
    );
  });
});

describe('serializeCookie dates', () => {
  it('gives each second its own Expires, also when consecutive cookies fall in different seconds', () => {
    const options = { name: 'sid', path: '/', domain: undefined, httpOnly: true, secure: true, sameSite: 'lax', partitioned: false } as const;
    const at = (now: number) => /Expires=([^;]+)/.exec(serializeCookie('v', options as never, false, 60, now))![1];
    const base = Date.UTC(2026, 10, 22, 4, 0, 0);
    expect(at(base)).toBe('Sun, 22 Nov 2026 04:01:00 GMT');
    expect(at(base + 999)).toBe('Sun, 22 Nov 2026 04:01:00 GMT');
    expect(at(base + 1000)).toBe('Sun, 22 Nov 2026 04:01:01 GMT');
    expect(at(base)).toBe('Sun, 22 Nov 2026 04:01:00 GMT');
    expect(at(base + 86_400_000)).toBe('Mon, 23 Nov 2026 04:01:00 GMT');
  });
});
