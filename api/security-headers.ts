// Headers on every response. The dashboard and /docs load only their own scripts and styles (no inline
// code), so a strict Content-Security-Policy costs them nothing and takes the teeth out of any markup
// that gets injected; no page of ours may be framed; no content-type sniffing; store links and the
// Temporal UI links carry no referrer.
import type { RequestHandler } from 'express';

const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:", // the dashboard's empty favicon is `data:,`
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};
