/**
 * The cross-site request forgery scenarios every adapter must pass, over real HTTP: they check that
 * the adapter hands the core the method, `Origin`, `Sec-Fetch-Site`, the host, the path and the
 * token header, and that a refusal reaches the framework's error handling as a 403 before the
 * handler runs. The rule itself is the core's.
 */
import { expect, it } from 'vitest';
import type { AppStarter } from './app-starter.js';

/** A form POST's headers as a browser sends them, from the page at `origin`. */
function formPost(site: string, origin?: string, extra: Record<string, string> = {}): RequestInit {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': site, ...extra };
  if (origin !== undefined) headers.Origin = origin;
  return { method: 'POST', headers, body: 'item=x' };
}

/**
 * Registers the CSRF scenarios in the current `describe` block, on apps started by `start`.
 * `trustsProxy`: the app trusts `X-Forwarded-Proto` and `X-Forwarded-Host` (see `testAdapter`).
 */
export function testCsrf(start: AppStarter, trustsProxy: boolean): void {
  it('refuses a cross-site form POST with 403 before the handler runs, writing nothing', async () => {
    const { jar, store, errors } = await start();
    await (await jar.fetch('/count')).text();
    const refused = await jar.fetch('/count', formPost('cross-site', 'http://evil.example'));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('CsrfError');
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect((errors[0] as { reason?: string }).reason).toBe('cross-site');
    const visitor = await start();
    const refusedVisitor = await visitor.jar.fetch('/count', formPost('cross-site', 'http://evil.example'));
    expect(refusedVisitor.status).toBe(403);
    expect(refusedVisitor.headers.getSetCookie()).toEqual([]);
    expect(visitor.store.size).toBe(0);
    expect(await (await jar.fetch('/read')).text()).toBe('1');
    expect(store.size).toBe(1);
  });

  it('refuses an Origin of another host, port or scheme when Sec-Fetch-Site is absent or same-site', async () => {
    const { jar, url } = await start();
    const other = new URL(url);
    other.port = String(Number(other.port) === 65_535 ? 1 : Number(other.port) + 1);
    for (const origin of [other.origin, url.replace('http:', 'https:'), 'null']) {
      const refused = await jar.fetch('/count', { method: 'POST', headers: { Origin: origin } });
      expect(refused.status, origin).toBe(403);
    }
    expect((await jar.fetch('/count', formPost('same-site', other.origin))).status).toBe(403);
    expect(await (await jar.fetch('/read')).text()).toBe('0');
  });

  it('serves a same-origin POST, one from its own Origin without Sec-Fetch-Site, and a client sending neither', async () => {
    const { jar, url } = await start();
    expect(await (await jar.fetch('/count', formPost('same-origin', url))).text()).toBe('1');
    expect(await (await jar.fetch('/count', { method: 'POST', headers: { Origin: url } })).text()).toBe('2');
    expect(await (await jar.fetch('/count', { method: 'POST' })).text()).toBe('3');
    // A cross-site GET is a link: served.
    expect(await (await jar.fetch('/count', { headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.example' } })).text()).toBe('4');
  });

  if (trustsProxy) {
    it("takes the app's origin from a trusted proxy's X-Forwarded-Proto and X-Forwarded-Host", async () => {
      const { jar } = await start();
      const proxied = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example' };
      expect((await jar.fetch('/count', { method: 'POST', headers: { ...proxied, Origin: 'https://app.example' } })).status).toBe(200);
      expect((await jar.fetch('/count', { method: 'POST', headers: { ...proxied, Origin: 'http://app.example' } })).status).toBe(403);
    });
  }

  it('serves allowed origins, and leaves alone the requests `skip` names by path', async () => {
    const { jar } = await start({
      csrf: { allowedOrigins: ['https://admin.example'], skip: (request) => request.path === '/start' },
    });
    expect((await jar.fetch('/count', formPost('cross-site', 'https://admin.example'))).status).toBe(200);
    expect((await jar.fetch('/start', formPost('cross-site', 'https://hooks.example'))).status).toBe(200);
    expect((await jar.fetch('/count', formPost('cross-site', 'https://hooks.example'))).status).toBe(403);
  });

  it('with tokens on, serves the page\'s token in X-CSRF-Token and refuses a wrong or missing one, writing nothing', async () => {
    const { jar } = await start({ csrf: { token: true } });
    const token = await (await jar.fetch('/csrf-token')).text();
    expect(token).toMatch(/^[\w-]{86}$/);
    const same = formPost('same-origin');
    expect(await (await jar.fetch('/count', { ...same, headers: { ...same.headers, 'X-CSRF-Token': token } })).text()).toBe('1');
    const forged = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const wrong = await jar.fetch('/count', { ...same, headers: { ...same.headers, 'X-CSRF-Token': forged } });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    // Without a token the handler cannot use the session: its first read is refused.
    const missing = await jar.fetch('/count', same);
    expect(missing.status).toBe(403);
    expect(await (await jar.fetch('/read')).text()).toBe('1');
  });

  it('with tokens on, refuses a token replayed after logout, with the old cookie or without', async () => {
    const { jar } = await start({ csrf: { token: true } });
    const token = await (await jar.fetch('/csrf-token')).text();
    const headers = { 'X-CSRF-Token': token };
    expect((await jar.fetch('/count', { method: 'POST', headers })).status).toBe(200);
    const before = jar.copy();
    expect((await jar.fetch('/destroy', { method: 'POST', headers })).status).toBe(200);
    expect((await jar.fetch('/count', { method: 'POST', headers })).status).toBe(403);
    expect((await before.fetch('/count', { method: 'POST', headers })).status).toBe(403);
  });
}
