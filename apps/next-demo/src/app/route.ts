import { handle } from '../lib/demo';

// Every route reads the request's session: never prerendered.
export const dynamic = 'force-dynamic';

/** `GET /`: the page (rendering consumes the pending flash messages). */
export const GET = handle((actions, session) => actions.page(session));
