import crypto from 'node:crypto';

/**
 * The settings lib/env.ts must see. env() reads process.env once, on first use, so this module is the
 * first import of scripts/bench-import.ts and sets them before any app module can ask. The importer
 * child gets the same values through its environment.
 */
export const BENCH_ENVIRONMENT = {
  // The throw-away Dovecot listens on loopback, which the SSRF guard refuses unless allowed.
  MAIL_ALLOW_PRIVATE_HOSTS: 'true',
  // Fresh per run: nothing encrypted with it outlives the run. Setting both secrets also keeps env()
  // from writing development secrets into the repository's .data directory.
  MAIL_ENCRYPTION_KEY: `bench1:${crypto.randomBytes(32).toString('base64')}`,
  AUTH_SECRET: crypto.randomBytes(33).toString('base64url'),
  // Ten years: every generated message (the last 300 days) is inside the download window.
  NUMBER_OF_DAYS_TO_DOWNLOAD: '3650',
  // The importer's per-pass info line (lib/log.ts) would only interleave with the figures; warnings still show.
  LOG_LEVEL: 'warn',
} as const;

Object.assign(process.env, BENCH_ENVIRONMENT);
