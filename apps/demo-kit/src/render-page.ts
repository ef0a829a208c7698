import type { StoreKind } from './demo-config.js';
import type { DeviceView } from './devices-view.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** What the home page shows. */
export interface PageView {
  /** Name of the app serving the page. */
  appName: string;
  /** `SESSION_STORE`, shown so the visitor knows where the session lives. */
  store: StoreKind;
  /** Logged-in user, or `null`. */
  user: string | null;
  count: number;
  cart: readonly string[];
  /** Flash messages taken from the session for this page. */
  flashes: readonly string[];
  /** Seconds a cookie session stays valid at most (for the cookie-store note). */
  absoluteTimeout: number;
  /** The logged-in user's live sessions, newest first (empty for a visitor). */
  devices?: readonly DeviceView[];
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.4rem; }
.flashes { list-style: none; padding: 0; }
.flashes li { background: #e7f6e7; border: 1px solid #9c9; padding: .5rem .75rem; border-radius: 4px; margin-bottom: .5rem; }
.note { background: #fff6e0; border: 1px solid #e0c070; padding: .5rem .75rem; border-radius: 4px; }
.error { background: #fdeaea; border: 1px solid #d99; padding: .5rem .75rem; border-radius: 4px; }
form { margin: .75rem 0; }
input { font: inherit; padding: .2rem .4rem; }
button { font: inherit; }
small { color: #666; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * The home page: who is logged in, the count, the flash messages of this visit, the login, logout
 * and cart forms, and the cart. Every value that came from a user is escaped.
 */
export function renderPage(view: PageView): string {
  const status =
    view.user === null
      ? '<p id="status">You are not logged in</p>'
      : `<p id="status">Logged in as ${escapeHtml(view.user)}</p>`;
  const flashes =
    view.flashes.length === 0
      ? ''
      : `<ul class="flashes" id="flashes">\n${view.flashes.map((message) => `<li>${escapeHtml(message)}</li>`).join('\n')}\n</ul>`;
  const cart =
    view.cart.length === 0
      ? '<p id="cart-empty">Your cart is empty.</p>'
      : `<ul id="cart">\n${view.cart.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>`;
  const cookieNote =
    view.store === 'cookie'
      ? `<p class="note" id="cookie-store-note">This app keeps sessions in an encrypted cookie (SESSION_STORE=cookie).
Logging out expires the cookie in this browser, but it cannot revoke a copy of the cookie saved
elsewhere before logout: such a copy stays valid until it expires (at most ${view.absoluteTimeout} seconds).
Use a server-side store when logout must end the session everywhere.</p>`
      : '';
  const body = `<h1>sess demo: ${escapeHtml(view.appName)}</h1>
${flashes}
${status}
<p>Count: <span id="count">${view.count}</span></p>
<form method="post" action="/counter" id="counter-form">
<button type="submit">+1</button>
</form>
<form method="post" action="/login" id="login-form">
<label>Name <input name="username" required autocomplete="username"></label>
<button type="submit">Log in</button>
</form>
<form method="post" action="/logout" id="logout-form">
<button type="submit">Log out</button>
</form>
<h2>Cart</h2>
${cart}
<form method="post" action="/cart" id="cart-form">
<label>Item <input name="item" required></label>
<button type="submit">Add to cart</button>
</form>
${view.user === null ? '' : renderDevices(view)}
${cookieNote}
<p><small>Sessions are stored in: ${escapeHtml(view.store)}</small></p>`;
  return layout(`sess demo: ${view.appName}`, body);
}

/** A time as text and as a machine-readable `<time>`. */
function time(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.slice(0, 16).replace('T', ' '))} UTC</time>`;
}

/**
 * "Your devices": one line per live session of the user, a revoke button for every other one, and
 * "Sign out other devices". Cookie sessions list only this one and offer no buttons: nothing could
 * end another copy of a cookie.
 */
function renderDevices(view: PageView): string {
  const devices = view.devices ?? [];
  const canRevoke = view.store !== 'cookie';
  const items = devices.map((device) => {
    const revoke =
      device.current || !canRevoke
        ? ''
        : `\n<form method="post" action="/devices/revoke" class="revoke-form"><input type="hidden" name="handle" value="${escapeHtml(device.handle)}"><button type="submit">Sign out</button></form>`;
    return `<li class="device" data-current="${device.current}"><strong class="device-label">${escapeHtml(device.device)}</strong>${device.current ? ' <em>(this device)</em>' : ''}
<small>signed in ${time(device.createdAt)}, last seen ${time(device.lastSeenAt)}</small>${revoke}</li>`;
  });
  const others =
    canRevoke && devices.some((device) => !device.current)
      ? `<form method="post" action="/logout-others" id="logout-others-form">
<button type="submit">Sign out other devices</button>
</form>`
      : '';
  const note = canRevoke ? '' : '<p><small>Cookie sessions cannot list or end other devices.</small></p>';
  return `<h2>Your devices</h2>
<ul id="devices">
${items.join('\n')}
</ul>
${others}${note}`;
}

/** An error page for a refused form: the message and a way back. */
export function renderErrorPage(appName: string, status: number, message: string): string {
  return layout(
    `${status}: sess demo: ${appName}`,
    `<h1>Request refused (${status})</h1>
<p class="error" id="error">${escapeHtml(message)}</p>
<p><a href="/">Back to the start page</a></p>`,
  );
}
