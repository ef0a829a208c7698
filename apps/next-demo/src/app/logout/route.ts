import { handle, json } from '../../lib/demo';

export const POST = handle((actions, session, request) => actions.logout(session, json(request)));
