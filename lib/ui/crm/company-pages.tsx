import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { companyDependents, getCompany, listCompanies, listCompanyCategories } from '@/lib/crm/companies';
import { deleteCompanyAction } from '@/lib/crm/companies/actions';
import { contactDisplayName } from '@/lib/crm/contacts';
import { formatAmount } from '@/lib/crm/sales';
import { listOwnerChoices } from '@/lib/crm/shared';
import { listTimeline } from '@/lib/crm/timeline';
import { EmailAddressLink } from '@/lib/ui/email-link';
import { PageHeader } from '@/lib/ui/empty-state';
import { CompanyForm } from './company-form';
import { DeleteRecordButton } from './delete-record';
import { DetailHeader, FieldList, LinkButton, Panel, RelatedList } from './detail';
import { ListControls } from './list-controls';
import { commonListParams, pagerParams, param, type SearchParams } from './list-params';
import { Pager, RecordList } from './record-list';
import { Timeline, timelineKindParam } from './timeline';

export async function CompanyListPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const common = commonListParams(searchParams);
  const category = param(searchParams, 'category') || undefined;
  const [page, owners, categories] = await Promise.all([
    listCompanies(db, user, { ...common, category }),
    listOwnerChoices(db, user),
    listCompanyCategories(db, user),
  ]);
  const filtered = Boolean(common.search || common.ownerId || category);
  return (
    <>
      <PageHeader title={t('companies')}>
        <div className="flex flex-wrap gap-2">
          <LinkButton href="/companies/import">{t('importExport')}</LinkButton>
          <LinkButton href="/companies/new" primary>
            {t('newCompany')}
          </LinkButton>
        </div>
      </PageHeader>
      <ListControls
        filters={[
          { name: 'owner', label: t('owner'), anyLabel: t('anyOwner'), options: owners.map((owner) => ({ value: owner.id, label: owner.name })) },
          { name: 'category', label: t('category'), anyLabel: t('anyCategory'), options: categories.map((value) => ({ value, label: value })) },
        ]}
      />
      <RecordList
        rows={page.items}
        title={(row) => row.name}
        href={(row) => `/companies/${row.id}`}
        empty={filtered ? { title: t('noResultsTitle'), body: t('noResultsBody') } : { title: t('emptyCompaniesTitle'), body: t('emptyCompaniesBody') }}
        columns={[
          { label: t('name'), cell: (row) => row.name },
          { label: t('domains'), cell: (row) => row.domains.join(', ') },
          { label: t('city'), cell: (row) => [row.city, row.country].filter(Boolean).join(', ') },
          { label: t('phone'), cell: (row) => row.phone },
          { label: t('owner'), cell: (row) => row.ownerName ?? '' },
        ]}
        pager={<Pager basePath="/companies" params={pagerParams(searchParams, ['category'])} nextCursor={page.nextCursor} labels={{ next: t('nextPage'), first: t('firstPage') }} />}
      />
    </>
  );
}

export async function CompanyDetailPage({ id, searchParams }: { id: string; searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const locale = await getLocale();
  const company = await getCompany(db, user, id);
  if (!company) notFound();
  const kind = timelineKindParam(searchParams.kind);
  const [timeline, dependents] = await Promise.all([
    listTimeline(db, user, { kind: 'company', id }, { kinds: kind ? [kind] : undefined, cursor: param(searchParams, 'before') || null }),
    companyDependents(db, user, id),
  ]);
  const address = [company.street, [company.postalCode, company.city].filter(Boolean).join(' '), company.country].filter(Boolean);
  const website = company.website ? (/^https?:\/\//i.test(company.website) ? company.website : `https://${company.website}`) : '';
  return (
    <>
      <DetailHeader
        title={company.name}
        subtitle={company.category || undefined}
        actions={
          <>
            <LinkButton href={`/companies/${id}/edit`}>{t('edit')}</LinkButton>
            <DeleteRecordButton id={id} action={deleteCompanyAction} dependents={dependents ?? { contacts: 0, projects: 0, sales: 0 }} />
          </>
        }
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <Panel id="details" title={t('details')}>
            <FieldList
              fields={[
                { label: t('domains'), value: company.domains.join(', ') },
                { label: t('phone'), value: company.phone ? <a href={`tel:${company.phone.replace(/[^+\d]/g, '')}`} className="text-indigo-700 hover:underline">{company.phone}</a> : '' },
                { label: t('website'), value: website ? <a href={website} rel="noopener noreferrer" target="_blank" className="text-indigo-700 hover:underline">{company.website}</a> : '' },
                { label: t('address'), value: address.length ? <span className="whitespace-pre-line">{address.join('\n')}</span> : '' },
                { label: t('owner'), value: company.ownerName ?? '' },
                { label: t('notes'), value: company.notes ? <span className="whitespace-pre-wrap">{company.notes}</span> : '' },
              ]}
            />
          </Panel>
          <Timeline record={{ kind: 'company', id }} basePath={`/companies/${id}`} entries={timeline.items} nextCursor={timeline.nextCursor} kind={kind} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Panel id="company-contacts" title={`${t('contacts')} (${company.contacts.length})`}>
            <RelatedList
              emptyLabel={t('none')}
              items={company.contacts.map((contact) => ({
                id: contact.id,
                href: `/contacts/${contact.id}`,
                title: contactDisplayName(contact),
                detail: (
                  <>
                    {contact.jobTitle}
                    {contact.jobTitle && contact.primaryEmail ? ' · ' : ''}
                    {contact.primaryEmail ? <EmailAddressLink address={contact.primaryEmail} /> : null}
                  </>
                ),
              }))}
            />
            <div className="mt-2">
              <LinkButton href={`/contacts/new?company=${id}`}>{t('newContact')}</LinkButton>
            </div>
          </Panel>
          <Panel id="company-sales" title={`${t('sales')} (${company.sales.length})`}>
            <RelatedList
              emptyLabel={t('none')}
              items={company.sales.map((sale) => ({ id: sale.id, href: `/sales/${sale.id}`, title: sale.title, detail: `${t(`stages.${sale.stage}`)} · ${formatAmount(sale.amount, sale.currency, locale)}` }))}
            />
            <div className="mt-2">
              <LinkButton href={`/sales/new?company=${id}`}>{t('newSale')}</LinkButton>
            </div>
          </Panel>
          <Panel id="company-projects" title={`${t('projects')} (${company.projects.length})`}>
            <RelatedList emptyLabel={t('none')} items={company.projects.map((project) => ({ id: project.id, href: `/projects/${project.id}`, title: project.name, detail: t(`statuses.${project.status}`) }))} />
          </Panel>
        </div>
      </div>
    </>
  );
}

export async function CompanyFormPage({ id }: { id?: string }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const [owners, categories, company] = await Promise.all([listOwnerChoices(db, user), listCompanyCategories(db, user), id ? getCompany(db, user, id) : null]);
  if (id && !company) notFound();
  const values = company
    ? {
        id: company.id,
        version: company.version,
        name: company.name,
        domains: company.domains.join(', '),
        phone: company.phone,
        street: company.street,
        postalCode: company.postalCode,
        city: company.city,
        country: company.country,
        website: company.website,
        category: company.category,
        ownerId: company.ownerId,
        notes: company.notes,
      }
    : { name: '', domains: '', phone: '', street: '', postalCode: '', city: '', country: '', website: '', category: '', ownerId: user.id, notes: '' };
  return (
    <>
      <PageHeader title={company ? t('editCompany') : t('newCompany')} />
      <CompanyForm values={values} owners={owners} categories={categories} />
    </>
  );
}
