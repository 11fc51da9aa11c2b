import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getCompany } from '@/lib/crm/companies';
import { contactDisplayName, getContact, listContacts } from '@/lib/crm/contacts';
import { deleteContactAction } from '@/lib/crm/contacts/actions';
import { formatAmount } from '@/lib/crm/sales';
import { countEarlierMailForContact } from '@/lib/crm/senders';
import { listOwnerChoices } from '@/lib/crm/shared';
import { listTimeline } from '@/lib/crm/timeline';
import { EmailAddressLink } from '@/lib/ui/email-link';
import { PageHeader } from '@/lib/ui/empty-state';
import { ContactForm } from './contact-form';
import { DeleteRecordButton } from './delete-record';
import { EarlierMailNotice } from './earlier-mail-notice';
import { DetailHeader, FieldList, LinkButton, Panel, RelatedList } from './detail';
import { ListControls } from './list-controls';
import { commonListParams, pagerParams, param, type SearchParams } from './list-params';
import { Pager, RecordList } from './record-list';
import { Timeline, timelineKindParam } from './timeline';
import Link from 'next/link';

export async function ContactListPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const common = commonListParams(searchParams);
  const companyId = param(searchParams, 'company') || undefined;
  const [page, owners, company] = await Promise.all([listContacts(db, user, { ...common, companyId }), listOwnerChoices(db, user), companyId ? getCompany(db, user, companyId) : null]);
  const filtered = Boolean(common.search || common.ownerId || companyId);
  return (
    <>
      <PageHeader title={t('contacts')}>
        <div className="flex flex-wrap gap-2">
          <LinkButton href="/contacts/import">{t('importExport')}</LinkButton>
          <LinkButton href="/contacts/new" primary>
            {t('newContact')}
          </LinkButton>
        </div>
      </PageHeader>
      <ListControls
        filters={[
          { name: 'owner', label: t('owner'), anyLabel: t('anyOwner'), options: owners.map((owner) => ({ value: owner.id, label: owner.name })) },
          ...(company ? [{ name: 'company', label: t('company'), anyLabel: t('noCompany'), options: [{ value: company.id, label: company.name }] }] : []),
        ]}
      />
      <RecordList
        rows={page.items}
        title={(row) => contactDisplayName(row) || row.primaryEmail || '—'}
        href={(row) => `/contacts/${row.id}`}
        empty={filtered ? { title: t('noResultsTitle'), body: t('noResultsBody') } : { title: t('emptyContactsTitle'), body: t('emptyContactsBody') }}
        columns={[
          { label: t('name'), cell: (row) => contactDisplayName(row) },
          { label: t('company'), cell: (row) => (row.companyId ? <Link href={`/companies/${row.companyId}`} className="hover:underline">{row.companyName}</Link> : '') },
          { label: t('jobTitle'), cell: (row) => row.jobTitle },
          {
            label: t('email'),
            cell: (row) =>
              row.primaryEmail ? (
                <span className="inline-flex max-w-full items-center gap-1">
                  <span className="truncate">
                    <EmailAddressLink address={row.primaryEmail} />
                  </span>
                  {row.emailShared ? (
                    <span className="shrink-0 rounded bg-amber-100 px-1.5 text-xs text-amber-900" title={t('sharedFlag')}>
                      {t('sharedFlag')}
                    </span>
                  ) : null}
                </span>
              ) : (
                ''
              ),
          },
          { label: t('phone'), cell: (row) => row.phone ?? '' },
        ]}
        pager={<Pager basePath="/contacts" params={pagerParams(searchParams, ['company'])} nextCursor={page.nextCursor} labels={{ next: t('nextPage'), first: t('firstPage') }} />}
      />
    </>
  );
}

export async function ContactDetailPage({ id, searchParams }: { id: string; searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const locale = await getLocale();
  const contact = await getContact(db, user, id);
  if (!contact) notFound();
  const kind = timelineKindParam(searchParams.kind);
  const added = param(searchParams, 'added');
  const [timeline, earlierMail] = await Promise.all([
    listTimeline(db, user, { kind: 'contact', id }, { kinds: kind ? [kind] : undefined, cursor: param(searchParams, 'before') || null }),
    // Only right after the contact got addresses (the save redirects here with them), not on every visit.
    added ? countEarlierMailForContact(db, user, id, { addresses: added.split(',').slice(0, 50) }) : null,
  ]);
  const name = contactDisplayName(contact);
  return (
    <>
      <DetailHeader
        title={name}
        subtitle={
          <>
            {contact.jobTitle}
            {contact.jobTitle && contact.companyName ? ', ' : ''}
            {contact.companyId ? (
              <Link href={`/companies/${contact.companyId}`} className="text-indigo-700 hover:underline">
                {contact.companyName}
              </Link>
            ) : null}
          </>
        }
        actions={
          <>
            <LinkButton href={`/contacts/${id}/edit`}>{t('edit')}</LinkButton>
            <DeleteRecordButton id={id} action={deleteContactAction} />
          </>
        }
      />
      {earlierMail ? <EarlierMailNotice contactId={id} count={earlierMail.count} addresses={earlierMail.addresses} /> : null}
      {contact.suggestedCompanies.length > 0 ? (
        <p className="mb-4 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          {contact.suggestedCompanies.map((company) => (
            <Link key={company.id} href={`/companies/${company.id}`} className="underline">
              {t('suggestedCompany', { name: company.name })}
            </Link>
          ))}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <Panel id="details" title={t('details')}>
            <FieldList
              fields={[
                {
                  label: t('emails'),
                  value: contact.emails.length ? (
                    <ul className="flex flex-col gap-1">
                      {contact.emails.map((email) => (
                        <li key={email.address} className="min-w-0">
                          <EmailAddressLink address={email.address} />
                          {email.isPrimary && contact.emails.length > 1 ? <span className="ml-2 text-xs text-slate-500">({t('primary')})</span> : null}
                          {email.sharedWith.length ? (
                            <span className="ml-2 inline-block rounded bg-amber-100 px-1.5 text-xs text-amber-900" data-testid="shared-address">
                              {t('sharedAddress', { names: email.sharedWith.map((other) => other.name).join(', ') })}
                            </span>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    ''
                  ),
                },
                {
                  label: t('phones'),
                  value: contact.phones.length ? (
                    <ul>
                      {contact.phones.map((phone, index) => (
                        <li key={index}>
                          <a href={`tel:${phone.number.replace(/[^+\d]/g, '')}`} className="text-indigo-700 hover:underline">
                            {phone.number}
                          </a>{' '}
                          <span className="text-sm text-slate-500">({t.has(`phoneLabel.${phone.label}`) ? t(`phoneLabel.${phone.label}`) : phone.label})</span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    ''
                  ),
                },
                { label: t('owner'), value: contact.ownerName ?? '' },
                { label: t('notes'), value: contact.notes ? <span className="whitespace-pre-wrap">{contact.notes}</span> : '' },
              ]}
            />
          </Panel>
          <Timeline record={{ kind: 'contact', id }} basePath={`/contacts/${id}`} entries={timeline.items} nextCursor={timeline.nextCursor} kind={kind} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Panel id="contact-sales" title={`${t('sales')} (${contact.sales.length})`}>
            <RelatedList
              emptyLabel={t('none')}
              items={contact.sales.map((sale) => ({ id: sale.id, href: `/sales/${sale.id}`, title: sale.title, detail: `${t(`stages.${sale.stage}`)} · ${formatAmount(sale.amount, sale.currency, locale)}` }))}
            />
          </Panel>
          <Panel id="contact-projects" title={`${t('projects')} (${contact.projects.length})`}>
            <RelatedList emptyLabel={t('none')} items={contact.projects.map((project) => ({ id: project.id, href: `/projects/${project.id}`, title: project.name, detail: t(`statuses.${project.status}`) }))} />
          </Panel>
        </div>
      </div>
    </>
  );
}

export async function ContactFormPage({ id, companyId }: { id?: string; companyId?: string }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const [owners, contact, company] = await Promise.all([listOwnerChoices(db, user), id ? getContact(db, user, id) : null, companyId ? getCompany(db, user, companyId) : null]);
  if (id && !contact) notFound();
  const values = contact
    ? {
        id: contact.id,
        version: contact.version,
        firstName: contact.firstName,
        lastName: contact.lastName,
        company: contact.companyId ? { id: contact.companyId, label: contact.companyName ?? '' } : null,
        jobTitle: contact.jobTitle,
        emails: contact.emails.map((email) => ({ address: email.address, isPrimary: email.isPrimary })),
        phones: contact.phones,
        ownerId: contact.ownerId,
        notes: contact.notes,
      }
    : { firstName: '', lastName: '', company: company ? { id: company.id, label: company.name } : null, jobTitle: '', emails: [], phones: [], ownerId: user.id, notes: '' };
  return (
    <>
      <PageHeader title={contact ? t('editContact') : t('newContact')} />
      <ContactForm values={values} owners={owners} />
    </>
  );
}
