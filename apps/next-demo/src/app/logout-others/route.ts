import { handle, json } from '../../lib/demo';

export const POST = handle((actions, session, request) => actions.logoutOthers(session, json(request)));
