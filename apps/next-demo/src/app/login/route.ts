import { body, handle, json } from '../../lib/demo';

export const POST = handle(async (actions, session, request) => actions.login(session, await body(request), json(request)));
