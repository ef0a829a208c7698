import { handle, json } from '../../lib/demo';

/** The page's +1 button. */
export const POST = handle((actions, session, request) => actions.incrementCounter(session, json(request)));
