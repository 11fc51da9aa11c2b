import type { ReactNode } from 'react';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getPreferences } from '@/lib/preferences/service';
import { AppShell } from '@/lib/ui/app-shell';
import { EmailClientProvider } from '@/lib/ui/email-client-context';
import { EmailClientPrompt } from '@/lib/ui/email-client-prompt';

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const { emailClient } = await getPreferences(await getDb(), user.id);
  return (
    <EmailClientProvider choice={emailClient}>
      <AppShell userName={user.name} userEmail={user.email}>
        {children}
      </AppShell>
      {emailClient === null ? <EmailClientPrompt /> : null}
    </EmailClientProvider>
  );
}
