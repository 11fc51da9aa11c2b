// Unknown senders: proposals for adding the people of a message to the CRM, the free-mail list, and
// the count of a contact's earlier mail; other code imports only this file (and ./client, ./actions).
export { addAddressFromMessage, addContactFromMessage, unknownSendersOfMessage, type UnknownSender } from './service';
export { countEarlierMailForContact, type EarlierMail } from './earlier-mail';
export { FREE_MAIL_DOMAINS, isFreeMailDomain } from './free-mail';
export { companyNameFromDomain, domainOfAddress, splitDisplayName } from './names';
export { addSenderAddressSchema, addSenderContactSchema, earlierMailHref, type AddSenderAddressInput, type AddSenderContactInput, type SenderSaved } from './client';
