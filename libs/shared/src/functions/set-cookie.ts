import type { Cookie } from '@azure/functions';

const SAME_SITE: Record<string, Cookie['sameSite']> = {
  strict: 'Strict',
  lax: 'Lax',
  none: 'None',
};

/**
 * Parses one `Set-Cookie` header value into the v4 model's `Cookie`.
 *
 * Why: the v4 worker copies response headers into a map (and, when streaming, with `setHeader`), so of
 * several `Set-Cookie` headers only the last would reach the client. Cookies survive only in
 * `HttpResponseInit.cookies`, which the host serialises itself. Attributes the model has no field for
 * (e.g. `Partitioned`, `Priority`) are dropped; the value is passed through as sent.
 */
export function parseSetCookie(header: string): Cookie | undefined {
  const [pair, ...attributes] = header.split(';');
  const separator = pair.indexOf('=');
  if (separator <= 0) {
    return undefined;
  }
  const cookie: Cookie = {
    name: pair.slice(0, separator).trim(),
    value: pair.slice(separator + 1).trim(),
  };
  for (const attribute of attributes) {
    const [rawName, ...rest] = attribute.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim();
    switch (name) {
      case 'domain':
        cookie.domain = value;
        break;
      case 'path':
        cookie.path = value;
        break;
      case 'expires': {
        const expires = new Date(value);
        if (!Number.isNaN(expires.getTime())) {
          cookie.expires = expires;
        }
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(value)) {
          cookie.maxAge = Number(value);
        }
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite':
        cookie.sameSite = SAME_SITE[value.toLowerCase()];
        break;
      default:
        break;
    }
  }
  return cookie;
}
