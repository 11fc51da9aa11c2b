import { and, desc, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { companies, companyDomains, contacts, documents, projectMembers, projects, sales } from '@/db/schema';
import { findContactsByAddresses } from '@/lib/crm/contacts';
import { isFreeMailDomain } from '@/lib/crm/senders';
import { assertActiveViewer, RecordNotFoundError, type Viewer } from '@/lib/crm/shared';
import { getMessagesForArchive, type MessageForArchive } from '@/lib/mail/mailbox';
import type { ArchiveProposal, LinkRecordKind, LinkSuggestion, SuggestionReason } from './client';
import { documentLinkViews } from './queries';
import { visibleDocument } from './visibility';

/** The addresses that say who a message concerns: the sender of incoming mail, the recipients of outgoing mail. */
export function counterpartAddresses(message: Pick<MessageForArchive, 'outgoing' | 'from' | 'to' | 'cc' | 'accountAddress'>): string[] {
  const entries = message.outgoing ? [...message.to, ...message.cc] : message.from;
  const own = message.accountAddress.toLowerCase();
  return [...new Set(entries.map((entry) => entry.address.trim().toLowerCase()).filter((address) => address.includes('@') && address !== own))];
}

class SuggestionList {
  private readonly byKey = new Map<string, LinkSuggestion>();
  add(kind: LinkRecordKind, id: string, name: string, reason: SuggestionReason, strong: boolean): void {
    const key = `${kind}:${id}`;
    if (!this.byKey.has(key)) this.byKey.set(key, { kind, id, name, reason, strong });
  }
  ids(kind: LinkRecordKind): string[] {
    return [...this.byKey.values()].filter((entry) => entry.kind === kind).map((entry) => entry.id);
  }
  list(): LinkSuggestion[] {
    return [...this.byKey.values()];
  }
}

const MAX_RECORD_SUGGESTIONS = 8;

/** What the suggestions are worked out from. */
export interface SuggestionEvidence {
  /** The counterpart addresses (lower-case): senders of incoming mail, recipients of outgoing mail. */
  addresses: string[];
  /** Message-IDs this mail replies to (In-Reply-To, References). */
  parentIds: string[];
  /** The mail's direct parent, whose links are "replied to" rather than "same conversation". */
  inReplyTo: string[];
  threadIds: string[];
}

/**
 * Ranked suggestions, each with its reason: the links of an archived message this one replies to
 * or of its archived conversation; contacts by any of their addresses and their companies;
 * companies by the address's domain ("might work at", never for free-mail domains); then the open
 * sales and running projects of those companies and contacts, most recently active first.
 */
export async function rankSuggestions(db: Database, viewer: Viewer, evidence: SuggestionEvidence): Promise<LinkSuggestion[]> {
  const suggestions = new SuggestionList();
  const { parentIds, threadIds, addresses } = evidence;

  // 1. Earlier archiving decisions in the same conversation are the best evidence.
  if (parentIds.length || threadIds.length) {
    const related = await db
      .select({ id: documents.id, subject: documents.subject, messageIdHeader: documents.messageIdHeader })
      .from(documents)
      .where(
        and(
          visibleDocument(viewer.id),
          isNull(documents.originPart),
          or(parentIds.length ? inArray(documents.messageIdHeader, parentIds) : undefined, threadIds.length ? inArray(documents.threadId, threadIds) : undefined),
        ),
      )
      .orderBy(desc(documents.documentDate))
      .limit(10);
    for (const document of related) {
      const repliedTo = document.messageIdHeader !== null && evidence.inReplyTo.includes(document.messageIdHeader);
      for (const link of await documentLinkViews(db, document.id)) {
        suggestions.add(link.kind, link.id, link.name, { kind: repliedTo ? 'repliedTo' : 'thread', subject: document.subject }, true);
      }
    }
  }

  // 2. Contacts by address, and the companies they work at.
  if (addresses.length) {
    const matched = (await findContactsByAddresses(db, viewer, addresses)).slice(0, MAX_RECORD_SUGGESTIONS * 2);
    // Several contacts sharing one address (an info@ mailbox): none of them is a sure match.
    const contactsPerAddress = new Map<string, number>();
    for (const row of matched) contactsPerAddress.set(row.address, (contactsPerAddress.get(row.address) ?? 0) + 1);
    for (const row of matched) {
      const sure = contactsPerAddress.get(row.address) === 1;
      suggestions.add('contact', row.contactId, row.name, { kind: 'contactAddress', address: row.address }, sure);
      if (row.companyId) suggestions.add('company', row.companyId, row.companyName ?? '', { kind: 'contactCompany', contactName: row.name }, sure);
    }

    // 3. Companies by the domain of an address no contact has yet.
    const domains = [...new Set(addresses.map((address) => address.slice(address.lastIndexOf('@') + 1)))].filter((domain) => !isFreeMailDomain(domain));
    if (domains.length) {
      const byDomain = await db
        .select({ id: companies.id, name: companies.name, domain: companyDomains.domain })
        .from(companyDomains)
        .innerJoin(companies, eq(companies.id, companyDomains.companyId))
        .where(inArray(companyDomains.domain, domains))
        .orderBy(desc(companies.updatedAt))
        .limit(MAX_RECORD_SUGGESTIONS);
      for (const row of byDomain) suggestions.add('company', row.id, row.name, { kind: 'domain', domain: row.domain }, false);
    }
  }

  // 4. What those companies and contacts are busy with: open sales and running projects, newest activity first.
  const companyIds = suggestions.ids('company');
  const contactIds = suggestions.ids('contact');
  if (companyIds.length || contactIds.length) {
    const openSales = await db
      .select({ id: sales.id, title: sales.title, companyName: companies.name, contactName: sql<string>`btrim(${contacts.firstName} || ' ' || ${contacts.lastName})` })
      .from(sales)
      .leftJoin(companies, eq(companies.id, sales.companyId))
      .leftJoin(contacts, eq(contacts.id, sales.contactId))
      .where(
        and(
          notInArray(sales.stage, ['won', 'lost']),
          or(companyIds.length ? inArray(sales.companyId, companyIds) : undefined, contactIds.length ? inArray(sales.contactId, contactIds) : undefined),
        ),
      )
      .orderBy(desc(sales.updatedAt))
      .limit(MAX_RECORD_SUGGESTIONS);
    for (const sale of openSales) suggestions.add('sale', sale.id, sale.title, { kind: 'openSale', companyName: sale.companyName ?? sale.contactName ?? '' }, false);

    const running = await db
      .selectDistinctOn([projects.updatedAt, projects.id], { id: projects.id, name: projects.name, companyName: companies.name, contactName: sql<string>`btrim(${contacts.firstName} || ' ' || ${contacts.lastName})` })
      .from(projects)
      .innerJoin(projectMembers, eq(projectMembers.projectId, projects.id))
      .leftJoin(companies, eq(companies.id, projectMembers.companyId))
      .leftJoin(contacts, eq(contacts.id, projectMembers.contactId))
      .where(
        and(
          inArray(projects.status, ['planned', 'in_progress']),
          or(companyIds.length ? inArray(projectMembers.companyId, companyIds) : undefined, contactIds.length ? inArray(projectMembers.contactId, contactIds) : undefined),
        ),
      )
      .orderBy(desc(projects.updatedAt), projects.id)
      .limit(MAX_RECORD_SUGGESTIONS);
    for (const project of running) {
      suggestions.add('project', project.id, project.name, { kind: 'runningProject', recordName: project.companyName ?? project.contactName ?? '' }, false);
    }
  }
  return suggestions.list();
}

/** The archive dialog's proposal for some of the viewer's messages: direction, subject, date, suggestions. */
export async function suggestLinks(db: Database, viewer: Viewer, mailMessageIds: readonly string[]): Promise<ArchiveProposal> {
  await assertActiveViewer(db, viewer);
  const messages = await getMessagesForArchive(db, viewer.id, mailMessageIds);
  const first = messages[0];
  if (!first) throw new RecordNotFoundError();
  const suggestions = await rankSuggestions(db, viewer, {
    addresses: [...new Set(messages.flatMap(counterpartAddresses))],
    parentIds: [...new Set(messages.flatMap((message) => [message.inReplyTo, ...message.references]).filter((id): id is string => Boolean(id)))],
    inReplyTo: messages.map((message) => message.inReplyTo).filter((id): id is string => Boolean(id)),
    threadIds: [...new Set(messages.map((message) => message.threadId))],
  });
  const [existing] = messages.length === 1
    ? await db
        .select({ id: documents.id })
        .from(documents)
        .where(
          and(
            visibleDocument(viewer.id),
            isNull(documents.originPart),
            first.messageId ? eq(documents.messageIdHeader, first.messageId) : eq(documents.originMailMessageId, first.id),
          ),
        )
        .limit(1)
    : [];
  const date = first.sentAt ?? first.receivedAt;
  return {
    kind: first.outgoing ? 'email_out' : 'email_in',
    subject: first.subject,
    date: date.toISOString().slice(0, 10),
    suggestions,
    existingDocumentId: existing?.id ?? null,
  };
}

/**
 * "Send and archive" in the composer: suggestions from the recipients and, for a reply or forward,
 * from the message it answers. `answersArchivedMail` says that message is archived: its links are
 * then proposed for this one too (shown, never applied without the user's send).
 */
export async function suggestLinksForRecipients(
  db: Database,
  viewer: Viewer,
  input: { addresses: readonly string[]; sourceMessageId: string | null },
): Promise<{ suggestions: LinkSuggestion[]; answersArchivedMail: boolean }> {
  await assertActiveViewer(db, viewer);
  const [source] = input.sourceMessageId ? await getMessagesForArchive(db, viewer.id, [input.sourceMessageId]) : [];
  const parentIds = source?.messageId ? [source.messageId] : [];
  const suggestions = await rankSuggestions(db, viewer, {
    addresses: [...new Set(input.addresses.map((address) => address.trim().toLowerCase()).filter((address) => address.includes('@')))],
    parentIds,
    inReplyTo: parentIds,
    threadIds: source ? [source.threadId] : [],
  });
  return { suggestions, answersArchivedMail: suggestions.some((suggestion) => suggestion.reason.kind === 'repliedTo') };
}
