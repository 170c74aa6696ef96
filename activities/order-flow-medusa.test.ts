import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../dev/config.js';
import { SAMPLE_HANDLE, STOREFRONT_KEY_TITLE } from './order-flow-medusa.js';

// The seed is a module of the Medusa project in its own image context (CommonJS, its own tsconfig),
// so its source is read rather than imported.
const seedCatalog = readFileSync(join(repoRoot, 'images/medusa-server/src/storefront-catalog.ts'), 'utf8');

describe('the Medusa order check and the seed', () => {
  it('when the seed names its sample product and key, then the order check looks for the same names', () => {
    expect(seedCatalog).toContain(`handle: '${SAMPLE_HANDLE}'`);
    expect(seedCatalog).toContain(`STOREFRONT_KEY_TITLE = '${STOREFRONT_KEY_TITLE}'`);
  });
});
