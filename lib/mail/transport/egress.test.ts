import { describe, expect, it, vi } from 'vitest';
import {
  classifyAddress,
  MAIL_HOST_REFUSED_MESSAGE,
  MailHostNotFoundError,
  MailHostRefusedError,
  resolveMailHost,
  type AddressClass,
  type ResolvedAddress,
} from './egress';

describe('classifyAddress', () => {
  const cases: Array<[string, AddressClass]> = [
    // IPv4 public
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['142.250.102.109', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['198.17.255.255', 'public'],
    ['198.20.0.0', 'public'],
    ['223.255.255.255', 'public'],
    // IPv4 special
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // IPv6 public
    ['2001:4860:4860::8888', 'public'],
    ['2a00:1450:4001:82b::200e', 'public'],
    ['2606:4700:4700::1111', 'public'],
    // IPv6 special
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fd00:ec2:0:0:0:0:0:254', 'metadata'],
    ['fd00:ec2::253', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['3fff::1', 'reserved'],
    ['2001::1', 'reserved'], // Teredo
    ['2001:2::1', 'reserved'], // benchmarking
    ['100::1', 'reserved'], // discard-only
    ['4000::1', 'reserved'], // not global unicast space
    // IPv4 embedded in IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:7F00:0001', 'loopback'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'], // IPv4-compatible
    ['::7f00:1', 'loopback'],
    ['::10.0.0.1', 'private'],
    ['::8.8.8.8', 'reserved'], // deprecated form, even with a public address
    ['::ffff:0:127.0.0.1', 'loopback'], // SIIT IPv4-translated
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::8.8.8.8', 'private'], // local-use NAT64
    ['2002:7f00:1::', 'loopback'], // 6to4
    ['2002:c0a8:101::1', 'private'],
    ['2002:a9fe:a9fe::', 'metadata'],
    ['2002:808:808::1', 'public'],
    ['2002:0a00:0001:1234::5', 'private'], // 6to4 with a subnet and host part
    ['64:ff9b::7f00:1', 'loopback'], // NAT64 in hex
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['::ffff:100.100.100.200', 'metadata'],
    ['::ffff:0:a00:1', 'private'], // SIIT in hex
    // Teredo 2001:0::/32: the client's IPv4 address is stored inverted in the last 32 bits.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // client 127.0.0.1
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'], // client 10.0.0.1
    ['2001:0:4136:e378:8000:63bf:5601:5601', 'metadata'], // client 169.254.169.254
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'reserved'], // client 8.8.8.8: a tunnel endpoint, never a mail server
    // Not an address at all
    ['', 'invalid'],
    ['localhost', 'invalid'],
    ['127.1', 'invalid'],
    ['0177.0.0.1', 'invalid'],
    ['0x7f.0.0.1', 'invalid'],
    ['2130706433', 'invalid'],
    ['256.1.1.1', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['[::1]', 'invalid'],
    ['::1::', 'invalid'],
    ['12345::', 'invalid'],
    [' 8.8.8.8', 'invalid'],
  ];

  it.each(cases)('%j is %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });
});

function fakeLookup(results: ResolvedAddress[]) {
  return vi.fn(async (_host: string) => results);
}

describe('resolveMailHost', () => {
  it('returns the first address of a public name', async () => {
    const lookup = fakeLookup([
      { address: '2a00:1450:4001:82b::200e', family: 6 },
      { address: '142.250.102.109', family: 4 },
    ]);
    await expect(resolveMailHost('imap.gmail.com', { allowPrivate: false, lookup })).resolves.toEqual({
      address: '2a00:1450:4001:82b::200e',
      family: 6,
    });
    expect(lookup).toHaveBeenCalledWith('imap.gmail.com');
  });

  it('refuses when any of several addresses is private (rebinding-style answers)', async () => {
    const lookup = fakeLookup([
      { address: '142.250.102.109', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ]);
    await expect(resolveMailHost('evil.example', { allowPrivate: false, lookup })).rejects.toThrow(
      MailHostRefusedError,
    );
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
  ] as const)('refuses a name resolving to %s with the one uniform message', async (address, reason) => {
    const lookup = fakeLookup([{ address, family: address.includes(':') ? 6 : 4 }]);
    const error: unknown = await resolveMailHost('mail.example.com', { allowPrivate: false, lookup }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MailHostRefusedError);
    const refused = error as MailHostRefusedError;
    expect(refused.message).toBe(MAIL_HOST_REFUSED_MESSAGE);
    expect(refused.reason).toBe(reason);
    expect(refused.refusedAddress).toBe(address);
    // The reason must not travel to clients through serialisation.
    expect(Object.keys(refused)).not.toContain('reason');
    expect(JSON.stringify(refused)).not.toContain(reason);
  });

  it('skips DNS for IP literals, bracketed or not', async () => {
    const lookup = fakeLookup([]);
    await expect(resolveMailHost('8.8.8.8', { allowPrivate: false, lookup })).resolves.toEqual({
      address: '8.8.8.8',
      family: 4,
    });
    await expect(resolveMailHost('[2606:4700:4700::1111]', { allowPrivate: false, lookup })).resolves.toEqual({
      address: '2606:4700:4700::1111',
      family: 6,
    });
    await expect(resolveMailHost('::1', { allowPrivate: false, lookup })).rejects.toThrow(MailHostRefusedError);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('allows loopback and private addresses when allowPrivate is set', async () => {
    await expect(resolveMailHost('127.0.0.1', { allowPrivate: true })).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
    const lookup = fakeLookup([
      { address: '192.168.1.20', family: 4 },
      { address: 'fd12::20', family: 6 },
    ]);
    await expect(resolveMailHost('mail.lan', { allowPrivate: true, lookup })).resolves.toEqual({
      address: '192.168.1.20',
      family: 4,
    });
  });

  it.each(['169.254.169.254', 'not-an-ip', '0.0.0.0', '224.0.0.1'])(
    'still refuses %s when private addresses are allowed',
    async (address) => {
      const lookup = fakeLookup([{ address, family: 4 }]);
      await expect(resolveMailHost('mail.lan', { allowPrivate: true, lookup })).rejects.toThrow(
        MailHostRefusedError,
      );
    },
  );

  it('reports a name that does not resolve as not found, not as refused', async () => {
    const failing = vi.fn(async (_host: string): Promise<ResolvedAddress[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    });
    await expect(resolveMailHost('nope.invalid', { allowPrivate: false, lookup: failing })).rejects.toThrow(
      MailHostNotFoundError,
    );
    await expect(
      resolveMailHost('empty.example', { allowPrivate: false, lookup: fakeLookup([]) }),
    ).rejects.toThrow(MailHostNotFoundError);
  });

  it('uses the system resolver by default (localhost is refused)', async () => {
    await expect(resolveMailHost('localhost', { allowPrivate: false })).rejects.toThrow(
      MailHostRefusedError,
    );
  });
});
