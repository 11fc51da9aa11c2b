import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

const nextConfig: NextConfig = {
  // Native and WASM modules must be loaded by Node at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'postgres', 'imapflow', 'nodemailer'],
  poweredByHeader: false,
  // A self-contained server (.next/standalone/server.js with only the node_modules it uses), which the
  // container image runs and the browser tests start: see scripts/start-standalone.sh. Not on Vercel
  // (which sets VERCEL=1 in its builds): it packages the app itself, and since Next 16.3 its build
  // adapter and the standalone step can trip over each other (vercel/next.js#96646).
  output: process.env.VERCEL ? undefined : 'standalone',
  // db/client.ts reads the migrations from disk at run time (the embedded database migrates itself on
  // start), by a path the file tracer cannot follow, so they are named here to land in the standalone output.
  outputFileTracingIncludes: { '/*': ['./db/migrations/**/*'] },
  // `npm test` type-checks the whole project (tests included) as its own step; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // CSV imports of companies and contacts are uploaded through a server action (lib/crm/csv, 5 MB at most).
  experimental: { serverActions: { bodySizeLimit: '6mb' } },
};

export default withNextIntl(nextConfig);
