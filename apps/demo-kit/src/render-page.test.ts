import { describe, expect, it } from 'vitest';
import { escapeHtml, renderPage } from './render-page.js';

const view = { appName: 'test', store: 'file' as const, user: null, count: 0, cart: [], flashes: [], absoluteTimeout: 60 };

describe('renderPage', () => {
  it('escapes every user value', () => {
    const html = renderPage({ ...view, user: '<b>"x"</b>', cart: ["<i>'y'</i>"], flashes: ['<script>&'] });
    expect(html).not.toMatch(/<b>|<i>|<script>/);
    expect(html).toContain('Logged in as &lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(html).toContain('&lt;i&gt;&#39;y&#39;&lt;/i&gt;');
    expect(html).toContain('&lt;script&gt;&amp;');
  });

  it('notes the logout limit only for cookie sessions', () => {
    expect(renderPage(view)).toContain('You are not logged in');
    expect(renderPage(view)).not.toContain('cookie-store-note');
    expect(renderPage({ ...view, store: 'cookie' })).toContain('cannot revoke a copy of the cookie');
  });

  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
