import { and, eq, inArray, sql } from 'drizzle-orm';
import { contactEmails, mailAccounts, mailMessages } from '@/db/schema';
import { assertActiveViewer, isRecordId, normaliseEmailAddress, visibleDocumentAlias, type Queryable, type Viewer } from '@/lib/crm/shared';
import { searchQueryLiteral } from '@/lib/search';

export interface EarlierMail {
  /** Distinct messages (by Message-ID: a copy in two folders counts once) in the viewer's own mailbox. */
  count: number;
  /** The contact's addresses that were looked for. */
  addresses: string[];
}

/**
 * How many messages of the viewer's own imported mailbox are from, to or cc one of the contact's
 * addresses (or only of `options.addresses`, e.g. those just added). Mail of other users' accounts is
 * never counted: a mailbox is private to its owner even where CRM records are shared.
 *
 * The mail's search vector holds every address of the header as a whole word (lib/search), so its
 * GIN index narrows the account's mail to candidates first; the exact, case-insensitive comparison
 * with the From/To/Cc entries then drops a candidate that only mentions the address in its text.
 */
export async function countEarlierMailForContact(
  db: Queryable,
  viewer: Viewer,
  contactId: string,
  options: { addresses?: readonly string[] } = {},
): Promise<EarlierMail> {
  await assertActiveViewer(db, viewer);
  if (!isRecordId(contactId)) return { count: 0, addresses: [] };
  const stored = (await db.select({ address: contactEmails.address }).from(contactEmails).where(eq(contactEmails.contactId, contactId))).map((row) => row.address);
  const only = options.addresses?.map(normaliseEmailAddress);
  const addresses = only ? stored.filter((address) => only.includes(address)) : stored;
  const query = addresses
    .map((address) => searchQueryLiteral(address))
    .filter((literal): literal is string => literal !== null)
    .map((literal) => `(${literal})`)
    .join(' | ');
  if (!query) return { count: 0, addresses };
  const entry = sql`lower(e.entry->>'address')`;
  const [row] = await db
    .select({ count: sql<number>`count(distinct coalesce(${mailMessages.messageId}, ${mailMessages.id}::text))::int` })
    .from(mailMessages)
    .where(
      and(
        eq(mailMessages.accountId, sql`(select ${mailAccounts.id} from ${mailAccounts} where ${mailAccounts.userId} = ${viewer.id})`),
        sql`${mailMessages.search} @@ ${query}::tsquery`,
        sql`exists (select 1 from jsonb_array_elements(${mailMessages.fromAddresses} || ${mailMessages.toAddresses} || ${mailMessages.ccAddresses}) as e(entry) where ${inArray(entry, addresses)})`,
        // What the "not archived" view it links to lists: not Junk, Trash or Drafts, and not yet in a
        // document the viewer can see. Columns written out: Drizzle leaves them unqualified here.
        sql`not exists (select 1 from mail_folders f where f.id = mail_messages.folder_id and f.special_use in ('junk', 'trash', 'drafts'))`,
        sql`not exists (select 1 from documents d where d.origin_part is null and ${visibleDocumentAlias('d', viewer.id)}
          and (d.message_id_header = mail_messages.message_id or (mail_messages.message_id is null and d.origin_mail_message_id = mail_messages.id)))`,
      ),
    );
  return { count: Number(row?.count ?? 0), addresses };
}
