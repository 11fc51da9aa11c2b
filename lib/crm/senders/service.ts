import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '@/db';
import { companies, companyDomains, mailAccounts, mailFolders, mailMessages, type MailAddressEntry } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { companyFieldsSchema, createCompany } from '@/lib/crm/companies';
import { contactDisplayName, contactFieldsSchema, createContact, findContactsByAddresses, getContact, updateContact } from '@/lib/crm/contacts';
import { assertActiveViewer, isRecordId, normaliseEmailAddress, RecordNotFoundError, type Queryable, type Viewer } from '@/lib/crm/shared';
import type { AddSenderAddressInput, AddSenderContactInput, SenderSaved } from './client';
import { countEarlierMailForContact } from './earlier-mail';
import { isFreeMailDomain } from './free-mail';
import { companyNameFromDomain, domainOfAddress, splitDisplayName } from './names';

export interface UnknownSender {
  address: string;
  /** The name as the header gave it ('' when none). */
  displayName: string;
  /** Where the address stood: the sender of incoming mail, a recipient of outgoing. */
  role: 'from' | 'to' | 'cc';
  firstName: string;
  lastName: string;
  domain: string;
  freeMail: boolean;
  /** Companies having the address's domain ("might work at …"); none for free mail. */
  domainCompanies: { id: string; name: string }[];
  /** A name for a company created on the spot; '' for free mail or a domain without a name. */
  proposedCompanyName: string;
}

/** More unknown people than this in one header is a mass mailing, not someone to add. */
const MAX_UNKNOWN = 5;

interface OwnMessage {
  outgoing: boolean;
  ownAddress: string;
  junk: boolean;
  from: MailAddressEntry[];
  to: MailAddressEntry[];
  cc: MailAddressEntry[];
}

/** The message if it is in the viewer's own mailbox; another user's message is "not found", like a missing one. */
async function ownMessage(db: Queryable, viewer: Viewer, messageId: string): Promise<OwnMessage | null> {
  if (!isRecordId(messageId)) return null;
  const [row] = await db
    .select({
      from: mailMessages.fromAddresses,
      to: mailMessages.toAddresses,
      cc: mailMessages.ccAddresses,
      specialUse: mailFolders.specialUse,
      ownAddress: mailAccounts.emailAddress,
    })
    .from(mailMessages)
    .innerJoin(mailAccounts, eq(mailAccounts.id, mailMessages.accountId))
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailMessages.id, messageId), eq(mailAccounts.userId, viewer.id)))
    .limit(1);
  if (!row) return null;
  const ownAddress = normaliseEmailAddress(row.ownAddress);
  const fromSelf = row.from.some((entry) => normaliseEmailAddress(entry.address) === ownAddress);
  return {
    outgoing: row.specialUse === 'sent' || row.specialUse === 'drafts' || fromSelf,
    ownAddress,
    junk: row.specialUse === 'junk',
    from: row.from,
    to: row.to,
    cc: row.cc,
  };
}

/** The people of a message worth knowing: the sender of incoming mail, the recipients of outgoing. */
function peopleOf(message: OwnMessage): { entry: MailAddressEntry; role: UnknownSender['role'] }[] {
  const people = message.outgoing
    ? [...message.to.map((entry) => ({ entry, role: 'to' as const })), ...message.cc.map((entry) => ({ entry, role: 'cc' as const }))]
    : message.from.map((entry) => ({ entry, role: 'from' as const }));
  const seen = new Set<string>([message.ownAddress]);
  return people.filter(({ entry }) => {
    const address = normaliseEmailAddress(entry.address);
    if (!address.includes('@') || seen.has(address)) return false;
    seen.add(address);
    return true;
  });
}

/**
 * The addresses of one of the viewer's messages that match no contact, each with a proposal for
 * adding it: the name split from the header, companies of its domain, a company name for the
 * domain. Nothing is written. Junk mail gets no proposals. Null when the message is not the viewer's.
 */
export async function unknownSendersOfMessage(db: Queryable, viewer: Viewer, messageId: string): Promise<UnknownSender[] | null> {
  await assertActiveViewer(db, viewer);
  const message = await ownMessage(db, viewer, messageId);
  if (!message) return null;
  if (message.junk) return [];
  const people = peopleOf(message);
  const known = new Set((await findContactsByAddresses(db, viewer, people.map(({ entry }) => entry.address))).map((row) => row.address));
  const unknown = people.filter(({ entry }) => !known.has(normaliseEmailAddress(entry.address))).slice(0, MAX_UNKNOWN);
  if (unknown.length === 0) return [];
  const companyDomainsWanted = [...new Set(unknown.map(({ entry }) => domainOfAddress(entry.address)).filter((domain) => domain && !isFreeMailDomain(domain)))];
  const domainRows = companyDomainsWanted.length
    ? await db
        .select({ domain: companyDomains.domain, id: companies.id, name: companies.name })
        .from(companyDomains)
        .innerJoin(companies, eq(companies.id, companyDomains.companyId))
        .where(inArray(companyDomains.domain, companyDomainsWanted))
        .orderBy(companies.sortKey)
        .limit(50)
    : [];
  return unknown.map(({ entry, role }) => {
    const address = normaliseEmailAddress(entry.address);
    const domain = domainOfAddress(address);
    const freeMail = isFreeMailDomain(domain);
    const domainCompanies = freeMail ? [] : domainRows.filter((row) => row.domain === domain).map(({ id, name }) => ({ id, name }));
    return {
      address,
      displayName: entry.name,
      role,
      ...splitDisplayName(entry.name, address),
      domain,
      freeMail,
      domainCompanies,
      proposedCompanyName: freeMail ? '' : companyNameFromDomain(domain),
    };
  });
}

/** Refuses an address the viewer's message does not carry: the actions add only what the user saw in a header. */
async function assertAddressOfOwnMessage(db: Queryable, viewer: Viewer, messageId: string, address: string): Promise<void> {
  const message = await ownMessage(db, viewer, messageId);
  if (!message) throw new UserFacingError('senders.messageGone');
  const all = [...message.from, ...message.to, ...message.cc].map((entry) => normaliseEmailAddress(entry.address));
  if (!all.includes(normaliseEmailAddress(address))) throw new UserFacingError('senders.addressNotInMessage');
}

/**
 * Creates a contact for an address of one of the viewer's messages, with a company chosen by the
 * user: one of the domain's, any other, or a new one named on the spot (which gets the domain, so the
 * next sender from there is matched). A free-mail domain never creates a company.
 */
export async function addContactFromMessage(db: Database, viewer: Viewer, input: AddSenderContactInput): Promise<SenderSaved> {
  await assertActiveViewer(db, viewer);
  await assertAddressOfOwnMessage(db, viewer, input.messageId, input.address);
  const domain = domainOfAddress(input.address);
  const base = { firstName: input.firstName, lastName: input.lastName, ownerId: viewer.id, emails: [input.address] };
  if (!contactFieldsSchema.safeParse(base).success) throw new UserFacingError('checkFields');

  let companyId: string | null = null;
  if (input.company.kind === 'existing') {
    if (!isRecordId(input.company.id)) throw new RecordNotFoundError();
    const [company] = await db.select({ id: companies.id }).from(companies).where(eq(companies.id, input.company.id)).limit(1);
    if (!company) throw new UserFacingError('crm.companyGone', {}, 'companyId');
    companyId = company.id;
  } else if (input.company.kind === 'new') {
    if (isFreeMailDomain(domain)) throw new UserFacingError('senders.freeMailCompany', {}, 'companyName');
    // A domain the company form would refuse (an internationalised one, say) is left for the user to add.
    const withDomain = companyFieldsSchema.safeParse({ name: input.company.name, domains: domain, ownerId: viewer.id });
    const fields = withDomain.success ? withDomain : companyFieldsSchema.safeParse({ name: input.company.name, ownerId: viewer.id });
    if (!fields.success) throw new UserFacingError('crm.nameRequired', {}, 'companyName');
    companyId = (await createCompany(db, viewer, fields.data)).id;
  }

  const fields = contactFieldsSchema.parse({ ...base, companyId: companyId ?? '' });
  const { id } = await createContact(db, viewer, fields);
  const earlier = await countEarlierMailForContact(db, viewer, id);
  return { address: input.address, contactId: id, contactName: contactDisplayName(fields), earlierMail: earlier.count };
}

/** Adds an address of one of the viewer's messages to an existing contact (a no-op when it has it already). */
export async function addAddressFromMessage(db: Database, viewer: Viewer, input: AddSenderAddressInput): Promise<SenderSaved> {
  await assertActiveViewer(db, viewer);
  await assertAddressOfOwnMessage(db, viewer, input.messageId, input.address);
  const contact = await getContact(db, viewer, input.contactId);
  if (!contact) throw new UserFacingError('crm.notFound', {}, 'contactId');
  if (!contact.emails.some((email) => email.address === input.address)) {
    const primary = contact.emails.findIndex((email) => email.isPrimary);
    // Through the form's own rules, so the saved contact is exactly what the edit form would save.
    const fields = contactFieldsSchema.parse({
      firstName: contact.firstName,
      lastName: contact.lastName,
      companyId: contact.companyId ?? '',
      jobTitle: contact.jobTitle,
      ownerId: contact.ownerId ?? '',
      notes: contact.notes,
      emails: [...contact.emails.map((email) => email.address), input.address],
      primaryEmail: Math.max(primary, 0),
      phones: contact.phones.map((phone) => phone.number),
      phoneLabels: contact.phones.map((phone) => phone.label),
    });
    await updateContact(db, viewer, contact.id, contact.version, fields);
  }
  const earlier = await countEarlierMailForContact(db, viewer, contact.id, { addresses: [input.address] });
  return { address: input.address, contactId: contact.id, contactName: contactDisplayName(contact), earlierMail: earlier.count };
}
