import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every answer (console, API, files, errors):
 * - scripts only from our own origin, never inline and never eval (the built console has no
 *   inline script: Vite emits module files; test/console/csp.test.ts checks both);
 * - styles from our origin plus 'unsafe-inline': antd's CSS-in-JS writes <style> elements at run
 *   time and the acknowledgement page (routes/alerts.ts) carries a style attribute. A nonce
 *   would need the HTML rewritten per answer and given to antd's StyleProvider; an injected
 *   style cannot run code, so this is the accepted cost;
 * - images also from data: and blob: (antd and ECharts draw small SVG icons as data: URIs);
 * - no plugins (object-src), no <base> elsewhere, no framing by anyone (clickjacking), forms
 *   post only to us, and fetch / EventSource only to us.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Features the console never uses, switched off for it and anything it might embed. */
export const PERMISSIONS_POLICY = ['accelerometer=()', 'camera=()', 'geolocation=()', 'gyroscope=()', 'magnetometer=()', 'microphone=()', 'payment=()', 'usb=()'].join(', ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // Links out of the console (to the posts' sites) carry no console URL: post and case ids stay here.
  'referrer-policy': 'no-referrer',
  'permissions-policy': PERMISSIONS_POLICY,
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Puts the security headers on every answer of the app. They are set on the raw response as
 * the request arrives, so they survive whatever follows: routes, static files, the not-found
 * handler, the error handler, and routes that take over the socket (the live event stream).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value);
  });
}
