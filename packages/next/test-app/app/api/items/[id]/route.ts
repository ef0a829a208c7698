import { sessions } from '../../../../lib/sessions';

/** Adds the route's parameter to the cart: the wrapper keeps Next's typed `context`. */
export const POST = sessions.route(async (session, _request, { params }: { params: Promise<{ id: string }> }) => {
  const cart = [...(session.get('cart') ?? []), (await params).id];
  session.set('cart', cart);
  return Response.json({ cart });
});
