import { NextResponse } from 'next/server';
import { sessions } from './lib/sessions';

/** Counts the visits of /proxied in the session, and tells the count in a header. */
export const proxy = sessions.proxy(async (session) => {
  const hits = (session.get('proxyHits') ?? 0) + 1;
  session.set('proxyHits', hits);
  const response = NextResponse.next();
  response.headers.set('X-Proxy-Hits', String(hits));
  return response;
});

export const config = { matcher: '/proxied' };
