/**
 * Domains of public mail services: the address says nothing about where its owner works, so they
 * never suggest a company (Twenty's users were surprised by exactly that, twenty #21138).
 */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.se', 'live.com', 'live.se', 'msn.com',
  'icloud.com', 'me.com', 'mac.com', 'yahoo.com', 'yahoo.se', 'ymail.com', 'aol.com', 'proton.me', 'protonmail.com',
  'pm.me', 'mail.com', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de', 'yandex.com', 'yandex.ru', 'zoho.com', 'telia.com',
  'bredband.net', 'spray.se', 'tutanota.com', 'fastmail.com',
]);

export function findFreeMailDomain(domain: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain.trim().toLowerCase());
}
