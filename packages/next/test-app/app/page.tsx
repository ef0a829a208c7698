import { sessions } from '../lib/sessions';
import { addItem, increment } from './actions';

// Read per request: the session lives in the request's cookie.
export const dynamic = 'force-dynamic';

export default async function Home() {
  const session = await sessions.read();
  return (
    <main>
      <p id="count">count: {session.get('count') ?? 0}</p>
      <p id="cart">cart: {(session.get('cart') ?? []).join(',')}</p>
      <p id="new">new: {String(session.isNew)}</p>
      <form action={increment}>
        <button type="submit">+1</button>
      </form>
      <form action={async (form: FormData) => { 'use server'; await addItem(form); }}>
        <input name="item" defaultValue="apple" />
        <button type="submit">add</button>
      </form>
    </main>
  );
}
