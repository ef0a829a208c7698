/**
 * What the sample apps keep in a session, declared the way sess documents it: by augmenting
 * `SessionData`, so `session.get('cart')` is typed in every handler of every app, whatever the
 * adapter (they all hand out `Session<SessionValues>`).
 */
declare module '@sess/core' {
  interface SessionData {
    /** The logged-in user's name; absent for a visitor who has not logged in. */
    user?: string;
    /** Changed only by `POST /counter` and `POST /api/counter`. */
    count?: number;
    /** Items added with `POST /cart` or `POST /api/cart`, oldest first. */
    cart?: string[];
  }
}

/** The values a sample app keeps in a session (see the `SessionData` augmentation above). */
export interface DemoData {
  user?: string;
  count?: number;
  cart?: string[];
}
