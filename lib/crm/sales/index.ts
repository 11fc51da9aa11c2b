// Sales: deals in the pipeline; other code imports only this file (and ./client, ./actions).
export { createSale, deleteSale, getSale, listSales, pipelineTotals, updateSale, type SaleDetail, type SaleListFilter, type SaleListItem } from './service';
export { defaultProbability, formatAmount, isCurrencyCode, normaliseAmount, saleFieldsSchema, saleStages, type SaleFields } from './client';
