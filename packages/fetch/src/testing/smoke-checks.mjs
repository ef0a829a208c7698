// Checks a running smoke-app.mjs over HTTP; throws on the first failure.
const check = (condition, message) => {
  if (!condition) throw new Error(`runtime smoke test: ${message}`);
};

/** Runs the checks against the server at `base` (e.g. `http://127.0.0.1:8787`). */
export async function checkSessions(base) {
  const first = await fetch(`${base}/count`);
  check((await first.text()) === '1', 'first count is not 1');
  const setCookie = first.headers.get('set-cookie') ?? '';
  check(/^sid=[\w-]+\.[\w-]+; /.test(setCookie), `bad Set-Cookie: ${setCookie}`);
  check(/; HttpOnly/.test(setCookie) && /; SameSite=Lax/.test(setCookie) && /; Path=\//.test(setCookie), `bad attributes: ${setCookie}`);
  check(/cookie/i.test(first.headers.get('vary') ?? ''), 'no Vary: Cookie');
  const cookie = setCookie.split(';')[0];
  const second = await fetch(`${base}/count`, { headers: { cookie } });
  check((await second.text()) === '2', 'the count did not persist');
  const redirect = await fetch(`${base}/redirect`, { headers: { cookie }, redirect: 'manual' });
  await redirect.body?.cancel();
  check(redirect.status === 302, `redirect answered ${redirect.status}`);
  check((redirect.headers.get('set-cookie') ?? '').startsWith('sid='), 'no Set-Cookie on a Response.redirect()');
  const json = await fetch(`${base}/json`);
  check(JSON.stringify(await json.json()) === '{"ok":true}', 'the JSON body changed');
  check((json.headers.get('set-cookie') ?? '').startsWith('sid='), 'no Set-Cookie on a Response.json()');
  const stream = await fetch(`${base}/stream`);
  check((await stream.text()) === 'abc', 'the streamed body changed');
  check((stream.headers.get('set-cookie') ?? '').startsWith('sid='), 'no Set-Cookie on a streamed response');
}
