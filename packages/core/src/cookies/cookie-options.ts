/** Attributes of the session cookie. */
export interface CookieOptions {
  /**
   * The cookie's name. A `__Host-` prefix requires `secure: true`, `path: '/'` and no `domain`;
   * a `__Secure-` prefix requires `secure: true` (both checked at construction).
   * @default 'sid'
   */
  name?: string;
  /** @default '/' */
  path?: string;
  /** Domain the cookie is sent to; leave unset to send it to this host only. @default undefined */
  domain?: string;
  /** `true`, `false`, or `'auto'` to follow the request's `secure` flag. @default 'auto' */
  secure?: boolean | 'auto';
  /** Keep `true`: scripts in the page then cannot read the session cookie. @default true */
  httpOnly?: boolean;
  /** @default 'lax' */
  sameSite?: 'strict' | 'lax' | 'none';
  /** CHIPS partitioned cookie (third-party contexts). @default false */
  partitioned?: boolean;
}

/** Cookie attributes with every default applied. */
export interface ResolvedCookieOptions {
  name: string;
  path: string;
  domain: string | undefined;
  secure: boolean | 'auto';
  httpOnly: boolean;
  sameSite: 'strict' | 'lax' | 'none';
  partitioned: boolean;
}
