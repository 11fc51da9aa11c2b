import { getDatabaseHandle ,type  Database } from '@/db';

/**
 * The frame of every admin command: opens the app's database (the same one the app uses, from
 * DATABASE_URL or the embedded one), runs the command, closes the database and exits with the
 * command's code; an unexpected error prints its message and exits 1.
 */
export function runDatabaseCommand(command: (db: Database) => Promise<number>): void {
  const run = async () => {
    const handle = await getDatabaseHandle();
    try {
      return await command(handle.db);
    } finally {
      await handle.close();
    }
  };
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
