/**
 * The Content Security Policy of every response the proxy passes (decision in SECURITY.md):
 * scripts only from this site and only with this request's nonce ('strict-dynamic' lets Next's own chunks
 * load the rest); no framing, plugins, foreign forms or <base>. Styles allow inline attributes because
 * React's and recharts' `style={…}` need them; a style cannot run code.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean; tls?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.tls ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** HSTS only where the browser reached us over TLS (directly or through a reverse proxy that says so). */
export const HSTS = "max-age=31536000; includeSubDomains";

export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
