import { parse } from 'tldts';

/**
 * Domains where anyone can get an address: a sender there says nothing about where they work, so
 * they never suggest or create a company. Exact domains; the families below cover every country
 * variant of a provider (gmx.de, gmx.at, yandex.ru, yandex.com.tr …).
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.se',
  'hotmail.com',
  'hotmail.se',
  'hotmail.co.uk',
  'live.com',
  'live.se',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'yahoo.com',
  'yahoo.se',
  'yahoo.co.uk',
  'ymail.com',
  'aol.com',
  'web.de',
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'mail.com',
  'zoho.com',
  'fastmail.com',
  'tutanota.com',
  'tuta.io',
  'telia.com',
  'bredband.net',
  'spray.se',
  'passagen.se',
  'comhem.se',
  'bahnhof.se',
  'home.se',
  'live.dk',
  'live.no',
  'online.no',
  'mail.ru',
  'qq.com',
  '163.com',
  '126.com',
]);

/** Providers with a domain per country: any public suffix after these names is the same service. */
const FREE_MAIL_FAMILIES: ReadonlySet<string> = new Set(['gmx', 'yandex', 'yahoo', 'hotmail']);

/** True for a free-mail domain (or a subdomain of one); takes a domain or a whole address. */
export function isFreeMailDomain(domainOrAddress: string): boolean {
  const domain = domainOrAddress.trim().toLowerCase().split('@').at(-1)!.replace(/\.$/, '');
  if (FREE_MAIL_DOMAINS.has(domain)) return true;
  const parsed = parse(domain);
  if (parsed.domain && FREE_MAIL_DOMAINS.has(parsed.domain)) return true;
  return parsed.domainWithoutSuffix !== null && FREE_MAIL_FAMILIES.has(parsed.domainWithoutSuffix);
}
