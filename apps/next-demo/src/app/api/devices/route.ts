import { handle } from '../../../lib/demo';

export const dynamic = 'force-dynamic';

export const GET = handle((actions, session) => actions.listDevices(session));
