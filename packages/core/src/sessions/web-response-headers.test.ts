import { describe, expect, it } from 'vitest';
import { WebResponseHeaders } from './web-response-headers.js';

describe('WebResponseHeaders', () => {
  it('writes onto a response whose headers are writable, in place', () => {
    const response = new Response('hello', { headers: { 'X-App': 'yes' } });
    const target = new WebResponseHeaders(response);
    target.setHeader('Vary', 'Cookie');
    target.appendHeader('Set-Cookie', 'a=1');
    target.appendHeader('Set-Cookie', 'b=2');
    expect(target.response).toBe(response);
    expect(target.getHeader('vary')).toBe('Cookie');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('copies an immutable response once, keeping its status, headers and body', async () => {
    const redirect = Response.redirect('https://example.com/next', 303);
    const target = new WebResponseHeaders(redirect);
    target.appendHeader('Set-Cookie', 'a=1');
    const copy = target.response;
    target.appendHeader('Set-Cookie', 'b=2');
    expect(copy).not.toBe(redirect);
    expect(target.response).toBe(copy);
    expect(copy.status).toBe(303);
    expect(copy.headers.get('location')).toBe('https://example.com/next');
    expect(copy.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(redirect.headers.getSetCookie()).toEqual([]);
  });
});

