import { isJsonMediaType, mediaType } from './request-body.js';

/** The request headers content negotiation looks at. */
export interface NegotiationHeaders {
  /** `Accept`. */
  accept?: string | null | undefined;
  /** `Content-Type`. */
  contentType?: string | null | undefined;
}

/**
 * Whether a request gets a JSON answer: it accepts `application/json`, or it sent a JSON body.
 * Otherwise it is treated as a browser form and gets a redirect or an HTML page.
 */
export function wantsJson(headers: NegotiationHeaders): boolean {
  const accepted = (headers.accept ?? '')
    .split(',')
    .map((range) => mediaType(range))
    .some((type) => isJsonMediaType(type));
  return accepted || isJsonMediaType(mediaType(headers.contentType));
}
