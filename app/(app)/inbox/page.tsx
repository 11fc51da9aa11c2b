import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth/session';
import { SectionPlaceholder } from '@/lib/ui/section-placeholder';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('nav'))('inbox') };
}

export default async function Page() {
  await requireUser();
  return <SectionPlaceholder section="inbox" />;
}
