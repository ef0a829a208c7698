import { body, handle } from '../../../../lib/demo';

export const POST = handle(async (actions, session, request) => actions.revokeDevice(session, await body(request), true));
