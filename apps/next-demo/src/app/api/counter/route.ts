import { handle } from '../../../lib/demo';

export const POST = handle((actions, session) => actions.incrementCounter(session));
