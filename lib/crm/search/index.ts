// The top bar's search over every kind of CRM record.
export { globalSearch, type SearchHit, type SearchResults } from './service';
