import { sessions } from '../../../lib/sessions';

export const GET = sessions.route(async (session) =>
  Response.json({ count: session.get('count') ?? 0, proxyHits: session.get('proxyHits') ?? 0, cart: session.get('cart') ?? [] }),
);
