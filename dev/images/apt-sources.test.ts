import { describe, expect, it } from 'vitest';
import { defaultMirrors, parseDeb822Sources, parseOneLineSources, pickMirrors } from './apt-sources.js';

describe("the machine's Debian mirrors", () => {
  it('when deb822 sources list bookworm and its security suite, then those mirrors are used and disabled or foreign entries are not', () => {
    const entries = parseDeb822Sources(
      [
        'Types: deb',
        '# a snapshot comment',
        'URIs: http://mirror.example.internal/debian/',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        '',
        'Types: deb',
        'URIs: http://mirror.example.internal/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
        'Types: deb',
        'Enabled: no',
        'URIs: http://disabled.example.internal/debian',
        'Suites: bookworm',
        'Components: main',
        '',
        'Types: deb',
        'URIs: https://deb.nodesource.com/node_20.x',
        'Suites: nodistro',
        'Components: main',
      ].join('\n'),
    );
    expect(pickMirrors(entries, 'bookworm')).toEqual({
      archive: 'http://mirror.example.internal/debian',
      security: 'http://mirror.example.internal/debian-security',
    });
  });

  it('when a one-line sources.list has options, comments and deb-src lines, then only deb lines count', () => {
    const entries = parseOneLineSources(
      [
        '# deb http://commented.example.internal/debian bookworm main',
        'deb-src http://src.example.internal/debian bookworm main',
        'deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://one.example.internal/debian bookworm main contrib',
        'deb http://one.example.internal/security bookworm-security main',
      ].join('\n'),
    );
    expect(pickMirrors(entries, 'bookworm')).toEqual({
      archive: 'http://one.example.internal/debian',
      security: 'http://one.example.internal/security',
    });
  });

  it('when no source offers bookworm main, then deb.debian.org is used', () => {
    expect(pickMirrors(parseOneLineSources('deb http://x.example.internal/ubuntu jammy main'), 'bookworm')).toEqual(
      defaultMirrors,
    );
  });
});
