import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth/session';
import { PageHeader } from '@/lib/ui/empty-state';
import { CsvImportForm } from './csv-import-form';
import { LinkButton, Panel } from './detail';

/** Export and import of companies or contacts as CSV, the import with a preview first. */
export async function CsvImportPage({ kind }: { kind: 'companies' | 'contacts' }) {
  await requireUser();
  const t = await getTranslations('crm');
  return (
    <>
      <PageHeader title={`${t(kind)}: ${t('importExport')}`}>
        <LinkButton href={`/${kind}`}>{t('cancel')}</LinkButton>
      </PageHeader>
      <div className="flex max-w-4xl flex-col gap-4">
        <Panel id="export" title={t('exportCsv')}>
          <a href={`/${kind}/export`} download className="inline-flex rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-50">
            {t('exportCsv')}
          </a>
        </Panel>
        <Panel id="import" title={t('importTitle', { kind: t(kind).toLowerCase() })}>
          <p className="mb-3 text-sm text-slate-600">{t('importIntro')}</p>
          <CsvImportForm kind={kind} />
        </Panel>
      </div>
    </>
  );
}
