import type { TestProject } from 'vitest/node';
import { startMailServers, type MailServersInfo } from './mail-servers';
import { startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresPort: number;
    mailServers: MailServersInfo;
  }
}

/** Starts the real servers integration tests talk to, once for the whole run. */
export default async function setup(project: TestProject) {
  const [postgresStart, mailStart] = await Promise.allSettled([startPostgres(), startMailServers()]);
  if (postgresStart.status === 'rejected' || mailStart.status === 'rejected') {
    // Do not leave the one that did start running.
    if (postgresStart.status === 'fulfilled') await postgresStart.value.stop();
    if (mailStart.status === 'fulfilled') await mailStart.value.stop();
    throw postgresStart.status === 'rejected' ? postgresStart.reason : (mailStart as PromiseRejectedResult).reason;
  }
  const postgres = postgresStart.value;
  const mailServers = mailStart.value;

  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('postgresPort', postgres.port);
  project.provide('mailServers', mailServers.info());
  // Node reads NODE_EXTRA_CA_CERTS only when a process starts. Vitest forks the test workers after
  // global setup, so they (and anything they spawn, like the app) trust the test CA the way the app
  // trusts a real one: without any `ca` option in the code under test.
  process.env.NODE_EXTRA_CA_CERTS = mailServers.caCertPath;

  return async () => {
    await Promise.all([postgres.stop(), mailServers.stop()]);
  };
}
