import { body, handle } from '../../../lib/demo';

export const dynamic = 'force-dynamic';

/** Returns and consumes the pending flash messages. */
export const GET = handle((actions, session) => actions.takeFlashes(session));

export const POST = handle(async (actions, session, request) => actions.queueFlash(session, await body(request)));
