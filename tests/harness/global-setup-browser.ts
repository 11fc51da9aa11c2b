import type { TestProject } from 'vitest/node';
import { ensureBuilt } from './app-server';
import { startMailServers } from './mail-servers';
import { startPostgres } from './postgres';

/**
 * Shared by all browser tests: one production build, one Postgres cluster and the mail servers.
 * Each test file starts its own production server on its own database (tests/harness/browser-app.ts),
 * so files do not depend on each other's order or leftovers.
 */
export default async function setup(project: TestProject) {
  // Dana's mailbox is the Inbox actions test's own, so what it moves and deletes touches no other file's mail;
  // Erin's is the unknown-sender test's, so its senders are unknown whatever other files delivered.
  const users = [
    { email: 'dana@example.test', password: 'dana-secret-1' },
    { email: 'erin@example.test', password: 'erin-secret-1' },
  ];
  const [postgres, mailServers] = await Promise.all([startPostgres(), startMailServers({ users }), ensureBuilt()]);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('postgresPort', postgres.port);
  project.provide('mailServers', mailServers.info());
  return async () => {
    await Promise.all([postgres.stop(), mailServers.stop()]);
  };
}
