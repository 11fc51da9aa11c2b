import { describe, expect, it } from 'vitest';
import { isFreeMailDomain } from './free-mail';

describe('isFreeMailDomain', () => {
  it.each(['gmail.com', 'GoogleMail.com', 'hotmail.se', 'outlook.com', 'icloud.com', 'me.com', 'yahoo.se', 'gmx.de', 'gmx.net', 'yandex.ru', 'yandex.com.tr', 'web.de', 'proton.me', 'telia.com', 'spray.se', 'bredband.net', 'ann@gmail.com', 'yahoo.co.jp'])(
    '%s is free mail',
    (domain) => {
      expect(isFreeMailDomain(domain)).toBe(true);
    },
  );

  it.each(['acme-corp.se', 'example.com', 'gmailer.com', 'ann@acme.se', 'live-events.se', 'mail.acme.com'])('%s is not', (domain) => {
    expect(isFreeMailDomain(domain)).toBe(false);
  });
});
