import { getDemo, send } from '../../lib/demo';

export const dynamic = 'force-dynamic';

/** `GET /healthz`: 200 once the store answers. Never opens a session. */
export async function GET(): Promise<Response> {
  const { actions } = await getDemo();
  return send(await actions.health());
}
