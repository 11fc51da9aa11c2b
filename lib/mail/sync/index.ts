// The import: leased, batched, resumable passes that copy the users' mailboxes into the database.
export { checkCronAuthorization, type CronAuthorization } from './cron-auth';
export { importAccountNow, runImportPass, type AccountImportSummary, type ImportPassOptions, type ImportSummary } from './pass';
export { startImportScheduler } from './scheduler';
export { commitFolderBatch } from './store';
export { acquireLease, LeaseLostError, releaseLease, type Lease } from './lease';
export { runReprocess, type AccountReprocessSummary, type ReprocessRunOptions, type ReprocessSummary } from './reprocess-run';
export { CURRENT_CONTENT_VERSIONS, forgetUpToDateAccounts, type ContentVersions } from './reprocess';
export { startInboxWatchers, type InboxWatcherOptions, type InboxWatchers } from './watchers';
