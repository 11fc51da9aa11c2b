import { sql } from 'drizzle-orm';
import { boolean, char, check, date, index, integer, jsonb, numeric, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { tsvector } from './column-types';
import { documents } from './documents';

// ---------------------------------------------------------------------------------------------
// CRM records: companies, contacts (people), projects and sales, shared by the whole team.
//
// Every record carries:
//  - `version`, raised by each save: an edit sends the version it was made from and is refused when
//    someone else saved in between (optimistic concurrency, lib/crm/shared);
//  - `sort_key`, the lower-cased display name written by the code, so lists sort and page by an
//    index (keyset paging on (sort_key, id));
//  - `search`, a tsvector written from lib/search lexemes (never to_tsvector), so a query tokenized
//    by searchQueryLiteral() finds exactly what was stored, as in the mail search.

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const companies = pgTable(
  'companies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    phone: text('phone').notNull().default(''),
    street: text('street').notNull().default(''),
    postalCode: text('postal_code').notNull().default(''),
    city: text('city').notNull().default(''),
    /** ISO 3166-1 alpha-2 or free text, as typed; '' when unknown. */
    country: text('country').notNull().default(''),
    website: text('website').notNull().default(''),
    category: text('category').notNull().default(''),
    notes: text('notes').notNull().default(''),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    sortKey: text('sort_key').notNull(),
    search: tsvector('search').notNull(),
    ...timestamps,
  },
  (table) => [
    index('companies_sort_idx').on(table.sortKey, table.id),
    index('companies_updated_idx').on(table.updatedAt, table.id),
    index('companies_owner_idx').on(table.ownerId, table.sortKey, table.id),
    index('companies_category_idx').on(table.category),
    index('companies_search_idx').using('gin', table.search),
  ],
);

/** The e-mail domains of a company (lower-case, no `@`): who writes from one probably works there. */
export const companyDomains = pgTable(
  'company_domains',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
  },
  (table) => [unique('company_domains_company_domain').on(table.companyId, table.domain), index('company_domains_domain_idx').on(table.domain)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    jobTitle: text('job_title').notNull().default(''),
    notes: text('notes').notNull().default(''),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    sortKey: text('sort_key').notNull(),
    search: tsvector('search').notNull(),
    ...timestamps,
  },
  (table) => [
    index('contacts_sort_idx').on(table.sortKey, table.id),
    index('contacts_updated_idx').on(table.updatedAt, table.id),
    index('contacts_owner_idx').on(table.ownerId, table.sortKey, table.id),
    index('contacts_company_idx').on(table.companyId, table.sortKey, table.id),
    index('contacts_search_idx').using('gin', table.search),
  ],
);

/**
 * A contact's addresses, stored normalised (trimmed, lower-case), so matching ignores case. The same
 * address on two contacts is allowed (a shared info@ mailbox) and flagged on both by the UI.
 */
export const contactEmails = pgTable(
  'contact_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    isPrimary: boolean('is_primary').notNull().default(false),
    position: integer('position').notNull().default(0),
  },
  (table) => [
    unique('contact_emails_contact_address').on(table.contactId, table.address),
    index('contact_emails_address_idx').on(table.address),
    check('contact_emails_address_normalised', sql`${table.address} = lower(btrim(${table.address}))`),
  ],
);

export const contactPhones = pgTable(
  'contact_phones',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    /** mobile, work, home, other */
    label: text('label').notNull().default('work'),
    position: integer('position').notNull().default(0),
  },
  (table) => [index('contact_phones_contact_idx').on(table.contactId)],
);

export const projectStatus = pgEnum('project_status', ['planned', 'in_progress', 'completed', 'stopped']);

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    status: projectStatus('status').notNull().default('planned'),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    notes: text('notes').notNull().default(''),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    sortKey: text('sort_key').notNull(),
    search: tsvector('search').notNull(),
    ...timestamps,
  },
  (table) => [
    index('projects_sort_idx').on(table.sortKey, table.id),
    index('projects_updated_idx').on(table.updatedAt, table.id),
    index('projects_status_idx').on(table.status, table.sortKey, table.id),
    index('projects_search_idx').using('gin', table.search),
    check('projects_dates_ordered', sql`${table.endDate} is null or ${table.startDate} is null or ${table.endDate} >= ${table.startDate}`),
  ],
);

/** A company or a contact taking part in a project (exactly one of the two per row). */
export const projectMembers = pgTable(
  'project_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (table) => [
    unique('project_members_company').on(table.projectId, table.companyId),
    unique('project_members_contact').on(table.projectId, table.contactId),
    index('project_members_company_idx').on(table.companyId),
    index('project_members_contact_idx').on(table.contactId),
    check('project_members_one_kind', sql`(${table.companyId} is null) <> (${table.contactId} is null)`),
  ],
);

export const saleStage = pgEnum('sale_stage', ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost']);

export const sales = pgTable(
  'sales',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** Exact decimal, read and written as a string ("12500.00"): never a float. */
    amount: numeric('amount', { precision: 18, scale: 2 }).notNull().default('0'),
    /** ISO 4217 code, upper-case. */
    currency: char('currency', { length: 3 }).notNull(),
    stage: saleStage('stage').notNull().default('lead'),
    /** 0–100 per cent. */
    probability: integer('probability').notNull().default(0),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    notes: text('notes').notNull().default(''),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    sortKey: text('sort_key').notNull(),
    search: tsvector('search').notNull(),
    ...timestamps,
  },
  (table) => [
    index('sales_sort_idx').on(table.sortKey, table.id),
    index('sales_updated_idx').on(table.updatedAt, table.id),
    index('sales_stage_idx').on(table.stage, table.sortKey, table.id),
    index('sales_company_idx').on(table.companyId),
    index('sales_contact_idx').on(table.contactId),
    index('sales_search_idx').using('gin', table.search),
    check('sales_probability_range', sql`${table.probability} between 0 and 100`),
    check('sales_currency_format', sql`${table.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** Every stage a sale went through, with who moved it and when (the pipeline history). */
export const saleStageChanges = pgTable(
  'sale_stage_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    saleId: uuid('sale_id')
      .notNull()
      .references(() => sales.id, { onDelete: 'cascade' }),
    fromStage: saleStage('from_stage'),
    toStage: saleStage('to_stage').notNull(),
    changedById: uuid('changed_by_id').references(() => users.id, { onDelete: 'set null' }),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('sale_stage_changes_sale_idx').on(table.saleId, table.changedAt)],
);

/** A note written on one record. */
export const crmNotes = pgTable(
  'crm_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    saleId: uuid('sale_id').references(() => sales.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'crm_notes_one_record',
      sql`num_nonnulls(${table.companyId}, ${table.contactId}, ${table.projectId}, ${table.saleId}) = 1`,
    ),
  ],
);

/**
 * What happened to a record, newest first on its page. One row per record it concerns (exactly one
 * of the four record columns). `document_id` is for the archive issue: an archived e-mail or document
 * linked to several records gets one row on each, all pointing at the same document, so deleting one
 * record never deletes a document that is linked elsewhere. `data` holds the kind's details, e.g.
 * `{ "from": "lead", "to": "qualified" }` or `{ "noteId": …, "excerpt": … }`.
 */
export const timelineEventKind = pgEnum('timeline_event_kind', [
  'created',
  'updated',
  'stage_changed',
  'owner_changed',
  'note_added',
  'email_archived',
  'document_added',
]);

export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: timelineEventKind('kind').notNull(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    saleId: uuid('sale_id').references(() => sales.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** The archived e-mail or document; its entries go with it. */
    documentId: uuid('document_id').references(() => documents.id, { onDelete: 'cascade' }),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('timeline_company_idx').on(table.companyId, table.occurredAt, table.id).where(sql`${table.companyId} is not null`),
    index('timeline_contact_idx').on(table.contactId, table.occurredAt, table.id).where(sql`${table.contactId} is not null`),
    index('timeline_project_idx').on(table.projectId, table.occurredAt, table.id).where(sql`${table.projectId} is not null`),
    index('timeline_sale_idx').on(table.saleId, table.occurredAt, table.id).where(sql`${table.saleId} is not null`),
    index('timeline_document_idx').on(table.documentId).where(sql`${table.documentId} is not null`),
    check(
      'timeline_events_one_record',
      sql`num_nonnulls(${table.companyId}, ${table.contactId}, ${table.projectId}, ${table.saleId}) = 1`,
    ),
  ],
);

export type Company = typeof companies.$inferSelect;
export type Contact = typeof contacts.$inferSelect;
export type ContactEmail = typeof contactEmails.$inferSelect;
export type ContactPhone = typeof contactPhones.$inferSelect;
export type Project = typeof projects.$inferSelect;
export type ProjectStatus = (typeof projectStatus.enumValues)[number];
export type Sale = typeof sales.$inferSelect;
export type SaleStage = (typeof saleStage.enumValues)[number];
export type TimelineEvent = typeof timelineEvents.$inferSelect;
export type TimelineEventKind = (typeof timelineEventKind.enumValues)[number];
