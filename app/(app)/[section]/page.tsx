import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth/session';
import { SectionPlaceholder, isPlaceholderSection } from '@/lib/ui/section-placeholder';

type Props = { params: Promise<{ section: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { section } = await params;
  return isPlaceholderSection(section) ? { title: (await getTranslations('nav'))(section) } : {};
}

// Companies, contacts, projects and sales share this route until each gets its own pages.
export default async function SectionPage({ params }: Props) {
  await requireUser();
  const { section } = await params;
  if (!isPlaceholderSection(section)) notFound();
  return <SectionPlaceholder section={section} />;
}
