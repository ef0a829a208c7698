/** What a handler answers, independent of any framework; each app turns it into a response. */
export type DemoResult =
  | {
      kind: 'json';
      status: number;
      body: unknown;
      /** Extra response headers. */
      headers?: Record<string, string>;
    }
  | {
      kind: 'html';
      status: number;
      body: string;
      /** Extra response headers. */
      headers?: Record<string, string>;
    }
  | {
      /** A `303 See Other`, the answer to a form POST (the browser then GETs `location`). */
      kind: 'redirect';
      location: string;
    };

/** Headers every HTML page carries: no inline scripts, no framing, no MIME sniffing. */
export const HTML_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  // Every page shows one visitor's session: never cache it, not even for the back button.
  'Cache-Control': 'no-store',
};

/** Headers every JSON answer carries. */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** The headers and text of a result's response, for apps that write responses themselves. */
export function responseOf(result: DemoResult): { status: number; headers: Record<string, string>; body: string } {
  switch (result.kind) {
    case 'json':
      return { status: result.status, headers: { ...JSON_HEADERS, ...result.headers }, body: JSON.stringify(result.body) };
    case 'html':
      return { status: result.status, headers: { ...HTML_HEADERS, ...result.headers }, body: result.body };
    case 'redirect':
      return {
        status: 303,
        headers: { Location: result.location, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
        body: `See ${result.location}`,
      };
  }
}
