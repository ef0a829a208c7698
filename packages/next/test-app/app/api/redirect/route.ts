import { redirect } from 'next/navigation';
import { sessions } from '../../../lib/sessions';

/** Counts, then ends with Next's `redirect()`, which throws. */
export const POST = sessions.route(async (session) => {
  session.set('count', (session.get('count') ?? 0) + 1);
  redirect('/');
});
