import { sessions } from '../../../lib/sessions';

export const POST = sessions.route(async (session) => {
  const count = (session.get('count') ?? 0) + 1;
  session.set('count', count);
  return Response.json({ count });
});
