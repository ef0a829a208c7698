import { sessions } from '../../../lib/sessions';

/** Counts, then fails: the change is kept all the same. */
export const POST = sessions.route(async (session) => {
  session.set('count', (session.get('count') ?? 0) + 1);
  throw new Error('the handler failed');
});
