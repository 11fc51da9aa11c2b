import 'server-only';
import { cookies } from 'next/headers';
import { LOCALE_COOKIE, type AppLocale } from './config';

const ONE_YEAR = 365 * 24 * 60 * 60;

/** Remembers an explicit language choice in this browser; null goes back to following the browser. */
export async function rememberLocale(locale: AppLocale | null): Promise<void> {
  const jar = await cookies();
  if (locale) jar.set(LOCALE_COOKIE, locale, { maxAge: ONE_YEAR, sameSite: 'lax', path: '/' });
  else jar.delete(LOCALE_COOKIE);
}
