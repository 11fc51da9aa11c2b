// The import: leased, batched, resumable passes that copy the users' mailboxes into the database.
export { checkCronAuthorization, type CronAuthorization } from './cron-auth';
export {
  commitFolderBatch,
  runImportPass,
  startImportScheduler,
  type AccountImportSummary,
  type ImportPassOptions,
  type ImportSummary,
} from './import';
export { acquireLease, LeaseLostError, releaseLease, type Lease } from './lease';
