import type { ReactNode } from 'react';
import { requireUser } from '@/lib/auth/session';
import { AppShell } from '@/lib/ui/app-shell';

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell userName={user.name} userEmail={user.email}>
      {children}
    </AppShell>
  );
}
