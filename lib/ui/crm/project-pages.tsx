import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { contactDisplayName } from '@/lib/crm/contacts';
import { getProject, listProjects, projectStatuses } from '@/lib/crm/projects';
import { deleteProjectAction } from '@/lib/crm/projects/actions';
import { listOwnerChoices } from '@/lib/crm/shared';
import { listTimeline } from '@/lib/crm/timeline';
import { PageHeader } from '@/lib/ui/empty-state';
import { DeleteRecordButton } from './delete-record';
import { DetailHeader, FieldList, LinkButton, Panel, RelatedList } from './detail';
import { ListControls } from './list-controls';
import { commonListParams, pagerParams, param, type SearchParams } from './list-params';
import { ProjectForm } from './project-form';
import { Pager, RecordList } from './record-list';
import { Timeline, timelineKindParam } from './timeline';

type Status = (typeof projectStatuses)[number];

export async function ProjectListPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const format = await getFormatter();
  const common = commonListParams(searchParams);
  const statusParam = param(searchParams, 'status');
  const status = (projectStatuses as readonly string[]).includes(statusParam) ? (statusParam as Status) : undefined;
  const [page, owners] = await Promise.all([listProjects(db, user, { ...common, status, companyId: param(searchParams, 'company') || undefined }), listOwnerChoices(db, user)]);
  const day = (value: string | null) => (value ? format.dateTime(new Date(`${value}T12:00:00Z`), { dateStyle: 'medium' }) : '');
  return (
    <>
      <PageHeader title={t('projects')}>
        <LinkButton href="/projects/new" primary>
          {t('newProject')}
        </LinkButton>
      </PageHeader>
      <ListControls
        filters={[
          { name: 'owner', label: t('owner'), anyLabel: t('anyOwner'), options: owners.map((owner) => ({ value: owner.id, label: owner.name })) },
          { name: 'status', label: t('status'), anyLabel: t('anyStatus'), options: projectStatuses.map((value) => ({ value, label: t(`statuses.${value}`) })) },
        ]}
      />
      <RecordList
        rows={page.items}
        title={(row) => row.name}
        href={(row) => `/projects/${row.id}`}
        empty={common.search || common.ownerId || status ? { title: t('noResultsTitle'), body: t('noResultsBody') } : { title: t('emptyProjectsTitle'), body: t('emptyProjectsBody') }}
        columns={[
          { label: t('name'), cell: (row) => row.name },
          { label: t('status'), cell: (row) => t(`statuses.${row.status}`) },
          { label: t('companies'), cell: (row) => row.companyNames.join(', ') },
          { label: t('startDate'), cell: (row) => [day(row.startDate), day(row.endDate)].filter(Boolean).join(' – ') },
          { label: t('owner'), cell: (row) => row.ownerName ?? '' },
        ]}
        pager={<Pager basePath="/projects" params={pagerParams(searchParams, ['status', 'company'])} nextCursor={page.nextCursor} labels={{ next: t('nextPage'), first: t('firstPage') }} />}
      />
    </>
  );
}

export async function ProjectDetailPage({ id, searchParams }: { id: string; searchParams: SearchParams }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const format = await getFormatter();
  const project = await getProject(db, user, id);
  if (!project) notFound();
  const kind = timelineKindParam(searchParams.kind);
  const timeline = await listTimeline(db, user, { kind: 'project', id }, { kinds: kind ? [kind] : undefined, cursor: param(searchParams, 'before') || null });
  const day = (value: string | null) => (value ? format.dateTime(new Date(`${value}T12:00:00Z`), { dateStyle: 'medium' }) : '');
  return (
    <>
      <DetailHeader
        title={project.name}
        subtitle={t(`statuses.${project.status}`)}
        actions={
          <>
            <LinkButton href={`/projects/${id}/edit`}>{t('edit')}</LinkButton>
            <DeleteRecordButton id={id} action={deleteProjectAction} />
          </>
        }
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <Panel id="details" title={t('details')}>
            <FieldList
              fields={[
                { label: t('status'), value: t(`statuses.${project.status}`) },
                { label: t('startDate'), value: day(project.startDate) },
                { label: t('endDate'), value: day(project.endDate) },
                { label: t('owner'), value: project.ownerName ?? '' },
                { label: t('notes'), value: project.notes ? <span className="whitespace-pre-wrap">{project.notes}</span> : '' },
              ]}
            />
          </Panel>
          <Timeline record={{ kind: 'project', id }} basePath={`/projects/${id}`} entries={timeline.items} nextCursor={timeline.nextCursor} kind={kind} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Panel id="project-companies" title={t('participantCompanies')}>
            <RelatedList emptyLabel={t('none')} items={project.companies.map((company) => ({ id: company.id, href: `/companies/${company.id}`, title: company.name }))} />
          </Panel>
          <Panel id="project-contacts" title={t('participantContacts')}>
            <RelatedList
              emptyLabel={t('none')}
              items={project.contacts.map((contact) => ({ id: contact.id, href: `/contacts/${contact.id}`, title: contactDisplayName(contact), detail: contact.companyName ?? undefined }))}
            />
          </Panel>
        </div>
      </div>
    </>
  );
}

export async function ProjectFormPage({ id }: { id?: string }) {
  const user = await requireUser();
  const db = await getDb();
  const t = await getTranslations('crm');
  const [owners, project] = await Promise.all([listOwnerChoices(db, user), id ? getProject(db, user, id) : null]);
  if (id && !project) notFound();
  const values = project
    ? {
        id: project.id,
        version: project.version,
        name: project.name,
        status: project.status,
        ownerId: project.ownerId,
        startDate: project.startDate,
        endDate: project.endDate,
        notes: project.notes,
        companies: project.companies.map((company) => ({ id: company.id, label: company.name })),
        contacts: project.contacts.map((contact) => ({ id: contact.id, label: contactDisplayName(contact) })),
      }
    : { name: '', status: 'planned', ownerId: user.id, startDate: null, endDate: null, notes: '', companies: [], contacts: [] };
  return (
    <>
      <PageHeader title={project ? t('editProject') : t('newProject')} />
      <ProjectForm values={values} owners={owners} />
    </>
  );
}
