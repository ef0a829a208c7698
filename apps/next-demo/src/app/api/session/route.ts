import { handle } from '../../../lib/demo';

export const dynamic = 'force-dynamic';

/** Reads only: never creates a session or sets a cookie for a visitor without one. */
export const GET = handle((actions, session) => actions.readSession(session));
