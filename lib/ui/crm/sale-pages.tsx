import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getCompany } from '@/lib/crm/companies';
import { formatAmount, getSale, listSales, pipelineTotals, saleStages } from '@/lib/crm/sales';
import { deleteSaleAction } from '@/lib/crm/sales/actions';
import { listOwnerChoices } from '@/lib/crm/shared';
import { listTimeline } from '@/lib/crm/timeline';
import { EmailAddressLink } from '@/lib/ui/email-link';
import { PageHeader } from '@/lib/ui/empty-state';
import { DeleteRecordButton } from './delete-record';
import { DetailHeader, FieldList, LinkButton, Panel } from './detail';
import { ListControls } from './list-controls';
import { commonListParams, pagerParams, param, type SearchParams } from './list-params';
import { Pager, RecordList } from './record-list';
import { SaleForm } from './sale-form';
import { Timeline, timelineKindParam } from './timeline';

type Stage = (typeof saleStages)[number];

export async function SaleListPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const locale = await getLocale();
  const format = await getFormatter();
  const common = commonListParams(searchParams);
  const stageParam = param(searchParams, 'stage');
  const stage = (saleStages as readonly string[]).includes(stageParam) ? (stageParam as Stage) : undefined;
  const [page, owners, totals] = await Promise.all([
    listSales(db, user, { ...common, stage, companyId: param(searchParams, 'company') || undefined }),
    listOwnerChoices(db, user),
    pipelineTotals(db, user),
  ]);
  return (
    <>
      <PageHeader title={t('sales')}>
        <LinkButton href="/sales/new" primary>
          {t('newSale')}
        </LinkButton>
      </PageHeader>
      {totals.length ? (
        <p className="mb-3 text-sm text-slate-600">
          {t('openPipeline')}: {totals.map((total) => formatAmount(total.total, total.currency, locale)).join(' · ')}
        </p>
      ) : null}
      <ListControls
        filters={[
          { name: 'owner', label: t('owner'), anyLabel: t('anyOwner'), options: owners.map((owner) => ({ value: owner.id, label: owner.name })) },
          { name: 'stage', label: t('stage'), anyLabel: t('anyStage'), options: saleStages.map((value) => ({ value, label: t(`stages.${value}`) })) },
        ]}
      />
      <RecordList
        rows={page.items}
        title={(row) => row.title}
        href={(row) => `/sales/${row.id}`}
        empty={common.search || common.ownerId || stage ? { title: t('noResultsTitle'), body: t('noResultsBody') } : { title: t('emptySalesTitle'), body: t('emptySalesBody') }}
        columns={[
          { label: t('title'), cell: (row) => row.title },
          { label: t('company'), cell: (row) => row.companyName ?? '' },
          { label: t('stage'), cell: (row) => `${t(`stages.${row.stage}`)} (${row.probability} %)` },
          { label: t('amount'), cell: (row) => formatAmount(row.amount, row.currency, locale) },
          { label: t('expectedCloseDate'), cell: (row) => (row.expectedCloseDate ? format.dateTime(new Date(`${row.expectedCloseDate}T12:00:00Z`), { dateStyle: 'medium' }) : '') },
          { label: t('owner'), cell: (row) => row.ownerName ?? '' },
        ]}
        pager={<Pager basePath="/sales" params={pagerParams(searchParams, ['stage', 'company'])} nextCursor={page.nextCursor} labels={{ next: t('nextPage'), first: t('firstPage') }} />}
      />
    </>
  );
}

export async function SaleDetailPage({ id, searchParams }: { id: string; searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const locale = await getLocale();
  const format = await getFormatter();
  const sale = await getSale(db, user, id);
  if (!sale) notFound();
  const kind = timelineKindParam(searchParams.kind);
  const timeline = await listTimeline(db, user, { kind: 'sale', id }, { kinds: kind ? [kind] : undefined, cursor: param(searchParams, 'before') || null });
  return (
    <>
      <DetailHeader
        title={sale.title}
        subtitle={`${t(`stages.${sale.stage}`)} · ${formatAmount(sale.amount, sale.currency, locale)}`}
        actions={
          <>
            <LinkButton href={`/sales/${id}/edit`}>{t('edit')}</LinkButton>
            <DeleteRecordButton id={id} action={deleteSaleAction} />
          </>
        }
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <Panel id="details" title={t('details')}>
            <FieldList
              fields={[
                { label: t('amount'), value: formatAmount(sale.amount, sale.currency, locale) },
                { label: t('stage'), value: t(`stages.${sale.stage}`) },
                { label: t('probability'), value: `${sale.probability} %` },
                { label: t('expectedCloseDate'), value: sale.expectedCloseDate ? format.dateTime(new Date(`${sale.expectedCloseDate}T12:00:00Z`), { dateStyle: 'medium' }) : '' },
                { label: t('company'), value: sale.companyId ? <Link href={`/companies/${sale.companyId}`} className="text-indigo-700 hover:underline">{sale.companyName}</Link> : '' },
                {
                  label: t('contact'),
                  value: sale.contactId ? (
                    <>
                      <Link href={`/contacts/${sale.contactId}`} className="text-indigo-700 hover:underline">
                        {sale.contactName}
                      </Link>
                      {sale.contactEmail ? (
                        <>
                          {' · '}
                          <EmailAddressLink address={sale.contactEmail} />
                        </>
                      ) : null}
                    </>
                  ) : (
                    ''
                  ),
                },
                { label: t('owner'), value: sale.ownerName ?? '' },
                { label: t('notes'), value: sale.notes ? <span className="whitespace-pre-wrap">{sale.notes}</span> : '' },
              ]}
            />
          </Panel>
          <Timeline record={{ kind: 'sale', id }} basePath={`/sales/${id}`} entries={timeline.items} nextCursor={timeline.nextCursor} kind={kind} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Panel id="stage-history" title={t('stageHistory')}>
            <ol className="flex flex-col gap-2 text-sm">
              {sale.stageHistory.map((change, index) => (
                <li key={index}>
                  <span className="font-medium">
                    {change.fromStage ? t('stageChangeLine', { from: t(`stages.${change.fromStage}`), to: t(`stages.${change.toStage}`) }) : t('stageStart', { to: t(`stages.${change.toStage}`) })}
                  </span>
                  <span className="block text-slate-500">
                    {change.changedByName ?? t('event.someone')} · {format.dateTime(change.changedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                  </span>
                </li>
              ))}
            </ol>
          </Panel>
        </div>
      </div>
    </>
  );
}

export async function SaleFormPage({ id, companyId }: { id?: string; companyId?: string }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const locale = await getLocale();
  const [owners, sale, company] = await Promise.all([listOwnerChoices(db, user), id ? getSale(db, user, id) : null, companyId ? getCompany(db, user, companyId) : null]);
  if (id && !sale) notFound();
  const values = sale
    ? {
        id: sale.id,
        version: sale.version,
        title: sale.title,
        company: sale.companyId ? { id: sale.companyId, label: sale.companyName ?? '' } : null,
        contact: sale.contactId ? { id: sale.contactId, label: sale.contactName ?? '' } : null,
        amount: sale.amount,
        currency: sale.currency,
        stage: sale.stage,
        probability: sale.probability,
        expectedCloseDate: sale.expectedCloseDate,
        ownerId: sale.ownerId,
        notes: sale.notes,
      }
    : {
        title: '',
        company: company ? { id: company.id, label: company.name } : null,
        contact: null,
        amount: '',
        currency: locale === 'sv' ? 'SEK' : 'EUR',
        stage: 'lead' as const,
        probability: 10,
        expectedCloseDate: null,
        ownerId: user.id,
        notes: '',
      };
  return (
    <>
      <PageHeader title={sale ? t('editSale') : t('newSale')} />
      <SaleForm values={values} owners={owners} />
    </>
  );
}
