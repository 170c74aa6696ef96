// Page tokens: Temporal's own token, base64url, plus a short checksum. A token the API did not hand out
// (or a damaged one) is refused at once with 400, rather than after Temporal's retries of its
// "something went wrong" answer.
import { createHash } from 'node:crypto';
import { ApiError } from './errors.js';

const checksum = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url').slice(0, 12);

export const pageTokenPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{12}$/;

export function encodePageToken(temporalToken: Uint8Array): string {
  return `${Buffer.from(temporalToken).toString('base64url')}.${checksum(temporalToken)}`;
}

export function decodePageToken(token: string): Buffer {
  const [data = '', sum = ''] = token.split('.');
  const bytes = Buffer.from(data, 'base64url');
  if (!pageTokenPattern.test(token) || bytes.length === 0 || checksum(bytes) !== sum) {
    throw new ApiError(400, 'invalid_page_token', 'pageToken is not one this API handed out');
  }
  return bytes;
}
