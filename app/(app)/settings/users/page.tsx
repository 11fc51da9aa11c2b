import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireAdmin } from '@/lib/auth/session';
import { listUsers } from '@/lib/users/service';
import { EmailAddressLink } from '@/lib/ui/email-link';
import { PageHeader } from '@/lib/ui/empty-state';
import { AddUserForm, UserActiveToggle } from '@/lib/ui/settings/users';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('users'))('title') };
}

export default async function UsersPage() {
  const admin = await requireAdmin();
  const t = await getTranslations('users');
  const users = await listUsers(await getDb());
  return (
    <div className="max-w-3xl">
      <PageHeader title={t('title')} />
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {users.map((user) => (
          <li key={user.id} className="flex flex-wrap items-center justify-between gap-2 p-4" data-testid="user-row">
            <div className="min-w-0">
              <p className="font-medium">
                {user.name} {user.id === admin.id ? <span className="text-sm text-slate-500">({t('you')})</span> : null}
              </p>
              <p className="truncate text-sm text-slate-600">
                <EmailAddressLink address={user.email} />
              </p>
              <p className="text-xs text-slate-500">
                {t(`role.${user.role}`)} · {user.isActive ? t('active') : t('inactive')}
              </p>
            </div>
            {user.id === admin.id ? null : <UserActiveToggle userId={user.id} isActive={user.isActive} />}
          </li>
        ))}
      </ul>
      <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-3 font-medium">{t('addTitle')}</h2>
        <AddUserForm />
      </section>
    </div>
  );
}
