// STOREFLEET_API_KEYS and STOREFLEET_ADMIN_KEYS, checked at start-up. A problem names the entry by its
// position, never the key, nor the owner (someone may have written `key=owner`): start-up messages end
// up in logs.
import { z } from 'zod';
import { ownerRule, textProblems } from '../core/store-spec.js';
import { adminOwner } from './auth.js';

const minKeyLength = 16;

const entries = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the key is empty';
  // split('=') used to cut such a key silently; "owner=key" cannot carry it.
  if (key.includes('=')) return 'the key contains "="';
  if (key.length < minKeyLength) return `the key is shorter than ${minKeyLength} characters`;
  return undefined;
}

function ownerProblem(owner: string): string | undefined {
  // Admin keys act as this owner: a key of an owner so named would see the admin's stores.
  if (owner.toLowerCase() === adminOwner) return `the owner name "${adminOwner}" is reserved for the admin keys`;
  const problems = textProblems(ownerRule, owner);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** `owner=key,owner=key` as key → owner. */
export const ownerKeys = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const owners = new Map<string, string>();
    const entryOfKey = new Map<string, number>();
    entries(text).forEach((entry, index) => {
      const at = entry.indexOf('=');
      const [owner, key] = [entry.slice(0, Math.max(at, 0)), entry.slice(at + 1)];
      const earlier = entryOfKey.get(key);
      const problem =
        (at < 0 ? 'expected owner=key' : undefined) ??
        ownerProblem(owner) ??
        keyProblem(key) ??
        (earlier === undefined ? undefined : `the same key as entry ${earlier}`);
      if (problem) return ctx.addIssue({ code: 'custom', message: `entry ${index + 1}: ${problem}` });
      owners.set(key, owner);
      entryOfKey.set(key, index + 1);
    });
    return owners;
  });

/** Comma-separated keys that act as the admin. */
export const adminKeys = z
  .string()
  .default('')
  .transform((text, ctx) => {
    entries(text).forEach((key, index) => {
      const problem = keyProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', message: `key ${index + 1}: ${problem}` });
    });
    return new Set(entries(text));
  });

/** An admin key that is an owner's key too would act as either, depending on the order of checks. */
export function sharedKeyProblems(owners: Map<string, string>, admins: Set<string>): string[] {
  return [...admins].flatMap((key, index) => {
    const owner = owners.get(key);
    return owner === undefined ? [] : [`key ${index + 1} is also an owner's key in STOREFLEET_API_KEYS`];
  });
}
