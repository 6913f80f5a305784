import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExplorerAsset } from './explorer-assets';

/**
 * The page loads its one script and one stylesheet from its own origin and talks only to its own API:
 * no inline script or style, no other origin, no framing, no form posted anywhere (the forms are
 * handled by the script), no plugin. A patient id typed into the page cannot leave it through a
 * reference to another site, and an injected string cannot run.
 */
export const EXPLORER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': EXPLORER_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  // Revalidated on every load, so a deployment's new page is never mixed with an old script.
  'cache-control': 'no-cache',
};

/** Sets the type and security headers of an explorer file and answers its body. */
export function sendAsset(reply: FastifyReply, asset: ExplorerAsset): Buffer {
  reply.headers({ ...HEADERS, 'content-type': asset.contentType });
  return asset.body;
}

/**
 * The page, at `/api/explorer` only: the router also matches `/api/explorer/`, from where the page's
 * relative links (its script, its stylesheet, the API) would resolve one level too deep, so that
 * address is redirected to the page's own (relatively, so it works behind any path prefix).
 */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: ExplorerAsset,
): Buffer | FastifyReply {
  const path = request.url.split('?')[0];
  return path.endsWith('/')
    ? reply.redirect('../explorer', 308)
    : sendAsset(reply, page);
}
