// The Debian mirrors this machine's apt is configured with, so the base image comes from the same
// place as the machine's own packages (a local mirror or proxy included). Reads one-line
// (sources.list) and deb822 (*.sources) entries; falls back to deb.debian.org.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DebianMirrors {
  /** Serves <codename> and <codename>-updates. */
  archive: string;
  /** Serves <codename>-security. */
  security: string;
}

interface SourceEntry {
  uris: string[];
  suites: string[];
  components: string[];
}

export const defaultMirrors: DebianMirrors = {
  archive: 'http://deb.debian.org/debian',
  security: 'http://deb.debian.org/debian-security',
};

/** Entries of a sources.list file: `deb [options] uri suite component...` (deb-src and comments skipped). */
export function parseOneLineSources(text: string): SourceEntry[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw
      .replace(/#.*/, '')
      .replace(/\[[^\]]*\]/, '')
      .trim();
    const [type, uri, suite, ...components] = line.split(/\s+/);
    return type === 'deb' && uri && suite ? [{ uris: [uri], suites: [suite], components }] : [];
  });
}

/** Stanzas of a deb822 .sources file (Types/URIs/Suites/Components; Enabled: no skipped). */
export function parseDeb822Sources(text: string): SourceEntry[] {
  return text.split(/\n\s*\n/).flatMap((stanza) => {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line.replace(/#.*/, ''));
      if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    const words = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || fields.get('enabled') === 'no') return [];
    return [{ uris: words('uris'), suites: words('suites'), components: words('components') }];
  });
}

/** The first entry offering <suite> with component main, for each of the two mirrors. */
export function pickMirrors(entries: SourceEntry[], codename: string): DebianMirrors {
  const find = (suite: string) =>
    entries
      .find((entry) => entry.suites.includes(suite) && entry.components.includes('main'))
      ?.uris[0]?.replace(/\/+$/, '');
  return {
    archive: find(codename) ?? defaultMirrors.archive,
    security: find(`${codename}-security`) ?? defaultMirrors.security,
  };
}

export function machineMirrors(codename: string, aptDir = '/etc/apt'): DebianMirrors {
  const entries: SourceEntry[] = [];
  const list = join(aptDir, 'sources.list');
  if (existsSync(list)) entries.push(...parseOneLineSources(readFileSync(list, 'utf8')));
  const partsDir = join(aptDir, 'sources.list.d');
  for (const name of existsSync(partsDir) ? readdirSync(partsDir).sort() : []) {
    const text = readFileSync(join(partsDir, name), 'utf8');
    if (name.endsWith('.list')) entries.push(...parseOneLineSources(text));
    if (name.endsWith('.sources')) entries.push(...parseDeb822Sources(text));
  }
  return pickMirrors(entries, codename);
}
