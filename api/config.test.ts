import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/environment.js';
import { loadApiConfig } from './config.js';

const keyA = 'team-a-key-0123456789';
const keyB = 'team-b-key-0123456789';
const adminKey = 'admin-key-0123456789';

/** The start-up message for `env`, which must not contain any key. */
function refusal(env: Record<string, string>, secrets: string[]): string {
  let message = '';
  expect(() => {
    try {
      loadApiConfig(env);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }).toThrow(ConfigError);
  for (const secret of secrets) expect(message).not.toContain(secret);
  return message;
}

describe('loadApiConfig: keys', () => {
  it('when owner and admin keys are sound, then each key maps to its owner and the failure limit defaults to 20', () => {
    const config = loadApiConfig({
      STOREFLEET_API_KEYS: `team-a=${keyA}, team-b=${keyB}`,
      STOREFLEET_ADMIN_KEYS: adminKey,
    });
    expect(config.auth).toEqual({
      enabled: true,
      keys: new Map([
        [keyA, 'team-a'],
        [keyB, 'team-b'],
      ]),
      adminKeys: new Set([adminKey]),
      failuresPerMinute: 20,
    });
  });

  it.each([
    [
      'an owner named like the admin',
      { STOREFLEET_API_KEYS: `Admin=${keyA}` },
      [keyA],
      /entry 1: the owner name "admin" is reserved/,
    ],
    [
      'one key for two owners',
      { STOREFLEET_API_KEYS: `team-a=${keyA},team-b=${keyA}` },
      [keyA],
      /entry 2: the same key as entry 1/,
    ],
    [
      'a key that is an owner key and an admin key',
      { STOREFLEET_API_KEYS: `team-a=${keyA}`, STOREFLEET_ADMIN_KEYS: `${adminKey},${keyA}` },
      [keyA, adminKey],
      /STOREFLEET_ADMIN_KEYS: key 2 is also an owner's key/,
    ],
    ['a key containing "="', { STOREFLEET_API_KEYS: `team-a=${keyA}=tail` }, [keyA], /entry 1: the key contains "="/],
    ['an empty key', { STOREFLEET_API_KEYS: `team-a=${keyA},team-b=` }, [keyA], /entry 2: the key is empty/],
    [
      'a short owner key',
      { STOREFLEET_API_KEYS: 'team-a=short-key' },
      ['short-key'],
      /entry 1: the key is shorter than 16 characters/,
    ],
    [
      'a short admin key',
      { STOREFLEET_ADMIN_KEYS: `${adminKey},short-admin` },
      [adminKey, 'short-admin'],
      /STOREFLEET_ADMIN_KEYS: key 2: the key is shorter than 16 characters/,
    ],
    ['an entry without "="', { STOREFLEET_API_KEYS: keyA }, [keyA], /entry 1: expected owner=key/],
  ])(
    'when the keys have %s, then start-up refuses, naming the problem and not the key',
    (_what, env, secrets, expected) => {
      expect(refusal(env, secrets)).toMatch(expected);
    },
  );
});

describe('loadApiConfig: page-token key', () => {
  it('when STOREFLEET_PAGE_TOKEN_KEY is set and long enough, then it is the key; unset, the installation keeps one', () => {
    expect(loadApiConfig({ STOREFLEET_PAGE_TOKEN_KEY: 'k'.repeat(32) }).pageTokenKey).toBe('k'.repeat(32));
    expect(loadApiConfig({}).pageTokenKey).toBeUndefined();
  });

  it('when STOREFLEET_PAGE_TOKEN_KEY is shorter than 32 characters, then start-up refuses without echoing it', () => {
    expect(refusal({ STOREFLEET_PAGE_TOKEN_KEY: 'too-short-a-page-key' }, ['too-short-a-page-key'])).toMatch(
      /STOREFLEET_PAGE_TOKEN_KEY: must be at least 32 characters/,
    );
  });
});
