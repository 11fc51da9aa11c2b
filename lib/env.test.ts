import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const productionBase = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/crm', AUTH_SECRET: 'x'.repeat(40), MAIL_ENCRYPTION_KEY: key };

describe('parseEnv', () => {
  it('defaults the download window to 30 days and says so', () => {
    const env = parseEnv(productionBase);
    expect(env.numberOfDaysToDownload).toBe(30);
    expect(env.numberOfDaysToDownloadSource).toBe('default');
  });

  it('takes NUMBER_OF_DAYS_TO_DOWNLOAD from the environment', () => {
    const env = parseEnv({ ...productionBase, NUMBER_OF_DAYS_TO_DOWNLOAD: '90' });
    expect(env).toMatchObject({ numberOfDaysToDownload: 90, numberOfDaysToDownloadSource: 'env' });
  });

  it.each(['0', '-3', '2.5', 'thirty'])('names NUMBER_OF_DAYS_TO_DOWNLOAD when it is %s', (value) => {
    expect(() => parseEnv({ ...productionBase, NUMBER_OF_DAYS_TO_DOWNLOAD: value })).toThrow(
      /NUMBER_OF_DAYS_TO_DOWNLOAD must be a whole number of days, at least 1/,
    );
  });

  it('names DATABASE_URL when it is not a Postgres URL', () => {
    expect(() => parseEnv({ ...productionBase, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres/);
  });

  it('refuses the embedded database in production unless the admin opts in', () => {
    const { DATABASE_URL: _omitted, ...withoutDatabase } = productionBase;
    expect(() => parseEnv(withoutDatabase)).toThrow(EnvError);
    expect(() => parseEnv(withoutDatabase)).toThrow(/DATABASE_URL is not set.*ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION=true/s);
    expect(parseEnv({ ...withoutDatabase, ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION: 'true' }).databaseUrl).toBeUndefined();
  });

  it.each(['AUTH_SECRET', 'MAIL_ENCRYPTION_KEY'] as const)('requires %s in production', (name) => {
    const { [name]: _omitted, ...rest } = productionBase;
    expect(() => parseEnv(rest)).toThrow(new RegExp(`${name} is required in production`));
  });

  it('does not echo a malformed secret in the error', () => {
    expect(() => parseEnv({ ...productionBase, MAIL_ENCRYPTION_KEY: 'secret-value-here' })).toThrow(/MAIL_ENCRYPTION_KEY must look like/);
    try {
      parseEnv({ ...productionBase, MAIL_ENCRYPTION_KEY: 'secret-value-here' });
    } catch (error) {
      expect(String(error)).not.toContain('secret-value-here');
    }
  });

  it('generates development secrets once and keeps them across restarts', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-env-'));
    const first = parseEnv({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const second = parseEnv({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.mailEncryptionKey).toMatch(/^dev1:/);
    expect(second.authSecret).toBe(first.authSecret);
    expect(second.mailEncryptionKey).toBe(first.mailEncryptionKey);
    expect(fs.statSync(path.join(dataDir, 'dev-secrets.json')).mode & 0o077).toBe(0);
  });

  it('reads TRUSTED_PROXY_HOPS as a small whole number, 0 (trust no forwarded address) when unset', () => {
    expect(parseEnv(productionBase).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...productionBase, TRUSTED_PROXY_HOPS: ' 2 ' }).trustedProxyHops).toBe(2);
    for (const wrong of ['-1', 'one', '1.5', '11']) {
      expect(() => parseEnv({ ...productionBase, TRUSTED_PROXY_HOPS: wrong })).toThrow(/TRUSTED_PROXY_HOPS must be the number of proxies/);
    }
  });

  it('reads IMPORT_CONCURRENCY (default 32, 1 to 64) and IMAP_IDLE_MAX_ACCOUNTS (default 200, 0 = off)', () => {
    expect(parseEnv(productionBase)).toMatchObject({ importConcurrency: 32, imapIdleMaxAccounts: 200 });
    expect(parseEnv({ ...productionBase, IMPORT_CONCURRENCY: '4', IMAP_IDLE_MAX_ACCOUNTS: '0' })).toMatchObject({ importConcurrency: 4, imapIdleMaxAccounts: 0 });
    for (const wrong of ['0', '65', '2.5', 'many']) {
      expect(() => parseEnv({ ...productionBase, IMPORT_CONCURRENCY: wrong })).toThrow(/IMPORT_CONCURRENCY must be a whole number of accounts imported at once, 1 to 64/);
    }
    expect(() => parseEnv({ ...productionBase, IMAP_IDLE_MAX_ACCOUNTS: '-1' })).toThrow(/IMAP_IDLE_MAX_ACCOUNTS must be a whole number of accounts/);
  });

  it('says which secrets were generated for development, so the System page can tell', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-env-'));
    expect(parseEnv({ NODE_ENV: 'development', DATA_DIR: dataDir }).generatedSecrets).toEqual(['AUTH_SECRET', 'MAIL_ENCRYPTION_KEY']);
    expect(parseEnv({ NODE_ENV: 'development', DATA_DIR: dataDir, AUTH_SECRET: 'y'.repeat(40) }).generatedSecrets).toEqual(['MAIL_ENCRYPTION_KEY']);
    expect(parseEnv(productionBase).generatedSecrets).toEqual([]);
  });

  it('configures a mail sign-in provider only with both its client id and secret, Microsoft on the common tenant by default', () => {
    expect(parseEnv(productionBase)).toMatchObject({ microsoftOAuth: undefined, googleOAuth: undefined });
    const both = parseEnv({ ...productionBase, MICROSOFT_CLIENT_ID: 'm-id', MICROSOFT_CLIENT_SECRET: 'm-s', GOOGLE_CLIENT_ID: 'g-id', GOOGLE_CLIENT_SECRET: 'g-s' });
    expect(both.microsoftOAuth).toEqual({ clientId: 'm-id', clientSecret: 'm-s', tenant: 'common' });
    expect(both.googleOAuth).toEqual({ clientId: 'g-id', clientSecret: 'g-s' });
    expect(parseEnv({ ...productionBase, MICROSOFT_CLIENT_ID: 'm', MICROSOFT_CLIENT_SECRET: 's', MICROSOFT_TENANT: 'contoso.onmicrosoft.com' }).microsoftOAuth?.tenant).toBe(
      'contoso.onmicrosoft.com',
    );
    expect(() => parseEnv({ ...productionBase, GOOGLE_CLIENT_ID: 'g-id' })).toThrow(/GOOGLE_CLIENT_SECRET is required/);
    expect(() => parseEnv({ ...productionBase, MICROSOFT_CLIENT_SECRET: 'm-s' })).toThrow(/MICROSOFT_CLIENT_ID is required/);
    expect(() => parseEnv({ ...productionBase, MICROSOFT_CLIENT_ID: 'm', MICROSOFT_CLIENT_SECRET: 's', MICROSOFT_TENANT: 'a/b' })).toThrow(/MICROSOFT_TENANT must be/);
  });

  it('accepts the test-only provider server on loopback only, and never on Vercel', () => {
    expect(parseEnv({ ...productionBase, MAIL_OAUTH_TEST_SERVER_URL: 'http://127.0.0.1:4000/' }).mailOAuthTestServerUrl).toBe('http://127.0.0.1:4000');
    for (const url of ['https://login.example.com', 'http://10.0.0.1:4000', 'http://127.0.0.1.example.com', 'file:///etc/passwd']) {
      expect(() => parseEnv({ ...productionBase, MAIL_OAUTH_TEST_SERVER_URL: url })).toThrow(/MAIL_OAUTH_TEST_SERVER_URL is for tests only/);
    }
    expect(() => parseEnv({ ...productionBase, VERCEL: '1', MAIL_OAUTH_TEST_SERVER_URL: 'http://localhost:4000' })).toThrow(/cannot be used on Vercel/);
  });
});
