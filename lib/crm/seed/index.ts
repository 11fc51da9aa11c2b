// The demo CRM that `npm run db:seed` fills.
export { countCrmRecords, seedDemoCrm, type SeedSummary } from './seed';
