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
  // Each of these mailboxes belongs to one test file, so what one moves, deletes or archives touches
  // no other file's mail: Dana's the Inbox actions test's, Erin's the unknown-sender test's (its
  // senders stay unknown whatever other files delivered), Fiona's the archive test's.
  const users = [
    { email: 'dana@example.test', password: 'dana-secret-1' },
    { email: 'erin@example.test', password: 'erin-secret-1' },
    { email: 'fiona@example.test', password: 'fiona-secret-1' },
  ];
  const [postgres, mailServers] = await Promise.all([startPostgres(), startMailServers({ users }), ensureBuilt()]);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('postgresPort', postgres.port);
  project.provide('mailServers', mailServers.info());
  return async () => {
    await Promise.all([postgres.stop(), mailServers.stop()]);
  };
}
