import fs from 'node:fs';
import path from 'node:path';
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const root = import.meta.dirname;

/**
 * Module boundaries: a domain that grows (lib/mail, lib/crm) is split into sub-folders, and code
 * outside a sub-folder may import only its public entries: `index.ts`, plus `actions.ts` (its server
 * actions, which Next.js needs in a 'use server' file of their own) and `client.ts` (what is safe to
 * bundle for the browser). Anything else is the module's own business, free to change. Checked on the
 * resolved file, so `@/lib/mail/sync/lease`, `../sync/lease` and `./lib/mail/sync/lease.ts` are all caught.
 */
const PUBLIC_ENTRIES = ['./index.ts', './actions.ts', './client.ts'];
const DOMAINS_WITH_MODULES = ['mail', 'crm'];

function moduleBoundaryZones() {
  const zones = [];
  for (const domain of DOMAINS_WITH_MODULES) {
    const domainDir = path.join(root, 'lib', domain);
    if (!fs.existsSync(domainDir)) continue;
    for (const entry of fs.readdirSync(domainDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
      const modulePath = `lib/${domain}/${entry.name}`;
      zones.push({
        // Every file that is not inside this module.
        target: ['./!(lib)/**', './*.*', `./lib/!(${domain})/**`, `./lib/${domain}/*.*`, `./lib/${domain}/!(${entry.name})/**`],
        from: `./${modulePath}`,
        except: PUBLIC_ENTRIES,
        message: `Import ${modulePath} through its public entry '@/${modulePath}' (or its actions.ts / client.ts), not its internals.`,
      });
    }
  }
  return zones;
}

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: ['node_modules/**', '.next/**', '.data/**', 'next-env.d.ts', 'db/migrations/**', '.test-output/**'],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-restricted-paths': ['error', { basePath: root, zones: moduleBoundaryZones() }],
      // Two imports of one module (an entry's values and its types) read as one.
      'import/no-duplicates': ['error', { 'prefer-inline': true }],
    },
  },
];

export default config;
