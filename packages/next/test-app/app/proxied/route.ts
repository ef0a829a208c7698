import { sessions } from '../../lib/sessions';

/** What the proxy left in the session, as this route reads it after the proxy ran. */
export const GET = sessions.route(async (session) => Response.json({ proxyHits: session.get('proxyHits') ?? 0 }));
