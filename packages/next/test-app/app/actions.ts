'use server';

import { redirect } from 'next/navigation';
import { sessions } from '../lib/sessions';

/** The page's +1 button: a Server Action that ends with `redirect()`. */
export const increment = sessions.action(async (session) => {
  session.set('count', (session.get('count') ?? 0) + 1);
  redirect('/');
});

/** Adds the form's item to the cart and answers without a redirect. */
export const addItem = sessions.action(async (session, form: FormData) => {
  const cart = [...(session.get('cart') ?? []), String(form.get('item'))];
  session.set('cart', cart);
  return cart.length;
});
