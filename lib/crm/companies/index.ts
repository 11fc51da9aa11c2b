// Companies: the organisations the team sells to; other code imports only this file (and ./client, ./actions).
export {
  companiesForEmailDomain,
  companyDependents,
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  listCompanyCategories,
  ownerChange,
  updateCompany,
  type CompanyDeletion,
  type CompanyDetail,
  type CompanyListFilter,
  type CompanyListItem,
} from './service';
export { companyFieldsSchema, parseDomains, type CompanyFields } from './client';
