import type { NextRequest } from 'next/server';
import { getDemo, send } from '../../lib/demo';

export const dynamic = 'force-dynamic';

/** Every other path and method of a path no route serves: the kit's 404, as JSON or a page. */
async function notFound(request: NextRequest): Promise<Response> {
  const { actions } = await getDemo();
  const accept = request.headers.get('accept') ?? undefined;
  return send(actions.notFound(actions.answersJson(request.nextUrl.pathname, { accept })));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
