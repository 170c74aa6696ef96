// Who is calling: an API key (Authorization: Bearer) names an owner, or the admin. With auth off
// (allowed on loopback only), every caller is the admin of a local installation.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { ApiError, tooManyRequests } from './errors.js';
import { failedLogins } from './failed-logins.js';
import type { Caller } from './store-records.js';

export interface AuthSettings {
  enabled: boolean;
  keys: Map<string, string>;
  adminKeys: Set<string>;
  /** Wrong keys one client address may send in a minute before it is locked out for the rest of it. */
  failuresPerMinute: number;
}

/** The owner the admin keys act as. */
export const adminOwner = 'admin';

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

const localAdmin: Caller = { owner: 'default', admin: true, keyId: 'none' };

/** Names a key in audit trails without revealing it: the first 12 hex digits of its SHA-256. */
export const keyIdOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

function matches(candidate: string, key: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authenticate(settings: AuthSettings): RequestHandler {
  const failures = failedLogins(settings.failuresPerMinute);
  return (req, _res, next) => {
    if (!settings.enabled) {
      req.caller = localAdmin;
      return next();
    }
    const header = req.get('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token)
      return next(
        new ApiError(401, 'unauthenticated', 'send an API key as "Authorization: Bearer <key>"', undefined, {
          'WWW-Authenticate': 'Bearer',
        }),
      );
    // A locked-out address is refused even with a valid key: letting that through would tell a guesser
    // (200, not 429) when it hit one, at full speed.
    const address = ipKeyGenerator(req.ip ?? 'unknown');
    const lockedUntil = failures.lockedUntil(address);
    if (lockedUntil)
      return next(
        tooManyRequests(
          'too_many_failed_logins',
          `${settings.failuresPerMinute} wrong API keys from this address within a minute; wait for Retry-After before trying again`,
          lockedUntil,
        ),
      );
    for (const key of settings.adminKeys)
      if (matches(token, key)) return ((req.caller = { owner: adminOwner, admin: true, keyId: keyIdOf(key) }), next());
    for (const [key, owner] of settings.keys)
      if (matches(token, key)) return ((req.caller = { owner, admin: false, keyId: keyIdOf(key) }), next());
    failures.record(address);
    next(new ApiError(401, 'unauthenticated', 'the API key is not valid', undefined, { 'WWW-Authenticate': 'Bearer' }));
  };
}

/** The caller set by authenticate(); routes run only after it. */
export function callerOf(req: { caller?: Caller }): Caller {
  if (!req.caller) throw new ApiError(401, 'unauthenticated', 'not authenticated');
  return req.caller;
}
