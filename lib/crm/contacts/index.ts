// Contacts: the people the team deals with; other code imports only this file (and ./client, ./actions).
export { contactsWithEmail, createContact, deleteContact, getContact, listContacts, updateContact, type ContactDetail, type ContactListFilter, type ContactListItem } from './service';
export { findContactsByAddresses, type ContactByAddress } from './by-address';
export { contactDisplayName, contactFieldsSchema, phoneLabels, type ContactFields } from './client';
