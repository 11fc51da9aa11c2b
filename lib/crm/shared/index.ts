// Building blocks shared by the CRM record modules (lib/crm/*): access, paging, search words.
export { assertActiveViewer, isRecordId, RecordNotFoundError, VersionConflictError, type Queryable, type Transaction, type Viewer } from './access';
export { decodeCursor, encodeCursor, PAGE_SIZE, pageFromRows, type ListPage, type ListSort, type PageCursor } from './paging';
export { normaliseDomain, normaliseEmailAddress, phoneSearchText, searchVector, sortKeyOf } from './text';
export { keysetAfter, listOrder, listSearchCondition, recordQueryLiteral } from './query';
export { listOwnerChoices } from './owners';
export { contactSearchVector, refreshLinkedSearch, saleSearchVector } from './record-search';
export { visibleDocument, visibleDocumentAlias } from './document-visibility';
