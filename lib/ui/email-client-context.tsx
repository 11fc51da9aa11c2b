'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { EmailClient } from '@/db/schema';

/** The choices in the order they are offered (the database enum, without importing the schema into the browser bundle). */
export const EMAIL_CLIENT_CHOICES = ['crm', 'mailto'] as const satisfies readonly EmailClient[];

/** The signed-in user's answer to "how should e-mail addresses open?"; null until they have answered. */
const EmailClientContext = createContext<EmailClient | null>(null);

export function EmailClientProvider({ choice, children }: { choice: EmailClient | null; children: ReactNode }) {
  return <EmailClientContext.Provider value={choice}>{children}</EmailClientContext.Provider>;
}

/** The client to open e-mail addresses with. Until the user has chosen, the CRM's own composer. */
export function useEmailClient(): EmailClient {
  return useContext(EmailClientContext) ?? 'crm';
}
