import { body, handle, json } from '../../../lib/demo';

/** The page's revoke button of another device. */
export const POST = handle(async (actions, session, request) => actions.revokeDevice(session, await body(request), json(request)));
