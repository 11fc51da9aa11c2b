// CSV import (with a preview of what will be created, updated or skipped) and export of companies and contacts.
export { companyCsvHeader, exportCompaniesCsv, importCompanies, previewCompanyImport } from './companies';
export { contactCsvHeader, exportContactsCsv, importContacts, previewContactImport } from './contacts';
export { CSV_MAX_BYTES, decodeCsvBytes, detectDelimiter } from './read';
export type { ImportPreview, ImportRowPlan } from './plan';
