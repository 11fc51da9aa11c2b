import { describe, expect, it } from 'vitest';
import { findProviderByMxHost } from './builtin-providers';

describe('findProviderByMxHost', () => {
  it.each([
    ['aspmx.l.google.com', 'googlemail.com'],
    ['smtp.google.com', 'googlemail.com'],
    ['contoso-com.mail.protection.outlook.com', 'office365.com'],
    ['contoso-com.j-v1.mx.microsoft', 'office365.com'],
    ['in1-smtp.messagingengine.com', 'messagingengine.com'],
    ['mx.zoho.eu', 'zoho.eu'],
    ['mx.zoho.com', 'zoho.com'],
    ['mx-aol.mail.gm0.yahoodns.net', 'aol.com'],
    ['mta5.am0.yahoodns.net', 'yahoo.com'],
    ['mx.yandex.net', 'yandex.ru'],
    ['MXS.MAIL.RU.', 'mail.ru'],
  ])('%s → %s', (mxHost, providerId) => {
    expect(findProviderByMxHost(mxHost)?.id).toBe(providerId);
  });

  it.each(['mx.example.net', 'notgoogle.com', 'google.com.example.net'])('%s → none', (mxHost) => {
    expect(findProviderByMxHost(mxHost)).toBeUndefined();
  });
});
