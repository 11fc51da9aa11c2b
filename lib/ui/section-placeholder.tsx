import { getTranslations } from 'next-intl/server';
import { EmptyState, PageHeader } from './empty-state';

const placeholderSections = ['companies', 'contacts', 'projects', 'sales'] as const;
export type Section = (typeof placeholderSections)[number];

export function isPlaceholderSection(value: string): value is Section {
  return (placeholderSections as readonly string[]).includes(value);
}

/** An honest empty state for sections whose features are still to come: says what will be there. */
export async function SectionPlaceholder({ section }: { section: Section }) {
  const t = await getTranslations('sections');
  const nav = await getTranslations('nav');
  return (
    <>
      <PageHeader title={nav(section)} />
      <EmptyState title={t(`${section}.emptyTitle`)} body={t(`${section}.emptyBody`)} />
    </>
  );
}
