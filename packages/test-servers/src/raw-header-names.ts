/**
 * The names of the headers of a GET of `url`, spelled as the server sent them: `fetch()` reads
 * them in lower case, Node's `rawHeaders` as they came. `@hono/node-server` sends the names of a
 * plain object of headers as they are spelled, those of a `Headers` object in lower case, which
 * tells the tests which of the two a response was sent from.
 */
import { request } from 'node:http';

/** The names of the response headers of a GET of `url` (sent with `headers`), as the server spelled them. */
export function rawHeaderNames(url: string, headers: Record<string, string> = {}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.rawHeaders.filter((_value, index) => index % 2 === 0)));
    })
      .on('error', reject)
      .end();
  });
}
