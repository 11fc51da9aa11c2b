import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProviderTable, isActiveIspdbFileName, parseClientConfig, serializeProviderTable, type ProviderConfig } from './ispdb';
import { applyUsernameTemplate, providerTableSchema } from './provider-schema';
import { parseXml, XmlSyntaxError } from './xml-reader';

// A copy of Thunderbird's ISPDB files (MPL-2.0, LICENSE beside them) kept in the repository's fixtures.
const ISPDB_DIR = path.resolve(__dirname, '../../../tests/fixtures/ispdb');
const MAIL_DIR = __dirname;

function readIspdb(fileName: string): string {
  return readFileSync(path.join(ISPDB_DIR, fileName), 'utf8');
}

function parseIspdb(fileName: string): ProviderConfig {
  const config = parseClientConfig(readIspdb(fileName));
  if (config === null) {
    throw new Error(`${fileName} did not parse`);
  }
  return config;
}

describe('parseXml', () => {
  it('reads elements, attributes in both quote styles, text, CDATA, comments and entities', () => {
    const root = parseXml(
      '\ufeff<?xml version="1.0"?>\n<!-- leading -->\n<a x="1" y=\'two &amp; &quot;three&quot;\'>' +
        'A&lt;B&#62;&#x43;<!-- inside --><![CDATA[<raw & stuff>]]><b/><c  k = "v" >text</c ></a>\n<!-- trailing -->\n',
    );
    expect(root.name).toBe('a');
    expect(root.attributes.get('x')).toBe('1');
    expect(root.attributes.get('y')).toBe('two & "three"');
    expect(root.text).toBe('A<B>C<raw & stuff>');
    expect(root.children.map((child) => child.name)).toEqual(['b', 'c']);
    expect(root.children[1]?.attributes.get('k')).toBe('v');
    expect(root.children[1]?.text).toBe('text');
  });

  it('accepts a DOCTYPE without internal subset', () => {
    expect(parseXml('<!DOCTYPE a><a/>').name).toBe('a');
  });

  it.each([
    ['', /No root element/],
    ['<a>', /not closed/],
    ['<a></b>', /Unexpected closing tag/],
    ['<a><b></a></b>', /Unexpected closing tag/],
    ['</a>', /Unexpected closing tag/],
    ['<a/><b/>', /More than one root/],
    ['text<a/>', /Text outside/],
    ['<a>AT&T</a>', /Unescaped "&"/],
    ['<a>&nbsp;</a>', /Unknown entity/],
    ['<a>&#0;</a>', /Unknown entity/],
    ['<a>&#xD800;</a>', /Unknown entity/],
    ['<a>&#x110000;</a>', /Unknown entity/],
    ['<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>', /Document type declarations/],
    ['<a x=1/>', /not quoted/],
    ['<a x="1" x="2"/>', /Duplicate attribute/],
    ['<a x="1"y="2"/>', /Malformed tag/],
    ['<a x="<"/>', /"<" in the value/],
    ['<a><!-- open </a>', /Unterminated comment/],
    ['<a><![CDATA[ open </a>', /Unterminated CDATA/],
    ['< a/>', /Expected a name/],
    ['<a>' + '<b>'.repeat(100) + '</b>'.repeat(100) + '</a>', /nested too deeply/],
  ])('rejects %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
    expect(() => parseXml(xml)).toThrow(message);
  });
});

describe('parseClientConfig on real ISPDB files', () => {
  it('reads Gmail: IMAP and SMTP only, POP3 ignored', () => {
    const gmail = parseIspdb('googlemail.com.xml');
    expect(gmail.id).toBe('googlemail.com');
    expect(gmail.name).toBe('Google Mail');
    expect(gmail.domains).toEqual(expect.arrayContaining(['gmail.com', 'googlemail.com']));
    expect(gmail.imap).toEqual([
      {
        host: 'imap.gmail.com',
        port: 993,
        tls: 'implicit',
        username: '%EMAILADDRESS%',
        auth: ['OAuth2', 'password-cleartext'],
      },
    ]);
    expect(gmail.smtp).toEqual([
      {
        host: 'smtp.gmail.com',
        port: 465,
        tls: 'implicit',
        username: '%EMAILADDRESS%',
        auth: ['OAuth2', 'password-cleartext'],
      },
    ]);
  });

  it('reads Microsoft 365 and ignores its ews/owa/graph/exchange servers', () => {
    const office = parseIspdb('office365.com.xml');
    expect(office.name).toBe('Microsoft 365');
    expect(office.imap.map((server) => `${server.host}:${server.port}`)).toEqual(['outlook.office365.com:993']);
    expect(office.smtp).toEqual([
      { host: 'smtp.office365.com', port: 587, tls: 'starttls', username: '%EMAILADDRESS%', auth: ['OAuth2'] },
    ]);
  });

  it('keeps several servers in document order (GMX)', () => {
    const gmx = parseIspdb('gmx.net.xml');
    expect(gmx.imap.map((server) => [server.port, server.tls])).toEqual([
      [993, 'implicit'],
      [143, 'starttls'],
    ]);
    expect(gmx.smtp.map((server) => [server.host, server.port, server.tls])).toEqual([
      ['mail.gmx.net', 465, 'implicit'],
      ['mail.gmx.net', 587, 'starttls'],
    ]);
  });

  it('decodes entities in names (AT&T) and keeps username templates (iCloud)', () => {
    expect(parseIspdb('att.net.xml').name).toBe('AT&T');
    const icloud = parseIspdb('me.com.xml');
    expect(icloud.domains).toEqual(['mac.com', 'me.com', 'icloud.com']);
    expect(icloud.imap[0]?.username).toBe('%EMAILLOCALPART%');
    expect(icloud.smtp[0]).toMatchObject({ host: 'smtp.mail.me.com', port: 587, tls: 'starttls' });
  });

  it('keeps %EMAILDOMAIN% host templates', () => {
    expect(parseIspdb('mail.ee.xml').imap[0]?.host).toBe('%EMAILDOMAIN%');
    expect(parseIspdb('inbox.lv.xml').smtp[0]?.host).toBe('mail.%EMAILDOMAIN%');
  });

  it('parses every file of the corpus', () => {
    const fileNames = readdirSync(ISPDB_DIR).filter(isActiveIspdbFileName);
    expect(fileNames.length).toBeGreaterThan(150);
    const unreadable = fileNames.filter((fileName) => parseClientConfig(readIspdb(fileName)) === null);
    expect(unreadable).toEqual([]);
  });
});

describe('parseClientConfig edge cases', () => {
  const wrap = (servers: string, extra = ''): string =>
    `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id='example.org'>
      <domain> Example.ORG </domain><domain>example.org</domain>${extra}
      <displayName>  Example
        Mail </displayName>${servers}</emailProvider></clientConfig>`;

  it('handles CDATA, comments, single quotes, whitespace and plain sockets', () => {
    const config = parseClientConfig(
      wrap(`
      <incomingServer type='imap'>
        <!-- a comment <hostname>wrong.example</hostname> -->
        <hostname><![CDATA[ IMAP.Example.org ]]></hostname>
        <port> 143 </port>
        <socketType>plain</socketType>
        <username>%EMAILLOCALPART%</username>
      </incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.example.org</hostname><port>25</port>
        <socketType>STARTTLS</socketType></outgoingServer>`),
    );
    expect(config).toEqual({
      id: 'example.org',
      name: 'Example Mail',
      domains: ['example.org'],
      imap: [{ host: 'imap.example.org', port: 143, tls: 'none', username: '%EMAILLOCALPART%', auth: [] }],
      smtp: [{ host: 'smtp.example.org', port: 25, tls: 'starttls', username: '%EMAILADDRESS%', auth: [] }],
    });
  });

  it('leaves out servers with unusable values instead of failing the document', () => {
    const server = (hostname: string, port: string, socketType: string): string =>
      `<incomingServer type="imap"><hostname>${hostname}</hostname><port>${port}</port>` +
      `<socketType>${socketType}</socketType></incomingServer>`;
    const config = parseClientConfig(
      wrap(
        server('ok.example.org', '993', 'SSL') +
          server('bad host.example.org', '993', 'SSL') +
          server('imap.example.org', '0', 'SSL') +
          server('imap.example.org', '70000', 'SSL') +
          server('imap.example.org', '99x', 'SSL') +
          server('imap.example.org', '993', 'TLS-ish') +
          server('', '993', 'SSL') +
          '<incomingServer type="pop3"><hostname>pop.example.org</hostname><port>995</port>' +
          '<socketType>SSL</socketType></incomingServer>',
      ),
    );
    expect(config?.imap.map((entry) => entry.host)).toEqual(['ok.example.org']);
    expect(config?.smtp).toEqual([]);
  });

  it.each([
    ['not XML at all', 'hello'],
    ['HTML error page', '<html><body>Not found</body></html>'],
    ['truncated', wrap('').slice(0, 80)],
    ['no emailProvider', '<clientConfig version="1.1"></clientConfig>'],
    ['bad entity', wrap('', '<domain>a&b.org</domain>')],
  ])('returns null for %s', (_label, xml) => {
    expect(parseClientConfig(xml)).toBeNull();
  });
});

describe('applyUsernameTemplate', () => {
  it.each([
    ['%EMAILADDRESS%', 'jane.doe@example.com', 'jane.doe@example.com'],
    ['%EMAILLOCALPART%', 'jane.doe@example.com', 'jane.doe'],
    ['%EMAILDOMAIN%', 'jane.doe@example.com', 'example.com'],
    ['%EMAILLOCALPART%.%EMAILDOMAIN%', 'jane@example.com', 'jane.example.com'],
    ['mail.%EMAILDOMAIN%', 'jane@inbox.lv', 'mail.inbox.lv'],
    ['fixed-user', 'jane@example.com', 'fixed-user'],
    ['%EMAILLOCALPART%', '"odd@local"@example.com', '"odd@local"'],
    ['%EMAILADDRESS%', "$&$'$1@example.com", "$&$'$1@example.com"],
    ['%emailaddress%', 'jane@example.com', '%emailaddress%'],
  ])('%s with %s → %s', (template, email, expected) => {
    expect(applyUsernameTemplate(template, email)).toBe(expected);
  });
});

describe('buildProviderTable', () => {
  const minimalXml = (id: string, domains: string[], host = `imap.${id}`): string =>
    `<clientConfig><emailProvider id="${id}">${domains.map((d) => `<domain>${d}</domain>`).join('')}` +
    `<displayName>${id}</displayName>` +
    `<incomingServer type="imap"><hostname>${host}</hostname><port>993</port><socketType>SSL</socketType></incomingServer>` +
    `<outgoingServer type="smtp"><hostname>smtp.${id}</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>` +
    `</emailProvider></clientConfig>`;

  it('skips inactive alternatives, POP-only and unreadable files, and sorts by id', () => {
    const popOnly =
      '<clientConfig><emailProvider id="pop.example"><domain>pop.example</domain>' +
      '<incomingServer type="pop3"><hostname>pop.pop.example</hostname><port>995</port><socketType>SSL</socketType></incomingServer>' +
      '<outgoingServer type="smtp"><hostname>smtp.pop.example</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>' +
      '</emailProvider></clientConfig>';
    const { providers, warnings } = buildProviderTable(
      [
        { fileName: 'zeta.example.xml', xml: minimalXml('zeta.example', ['zeta.example']) },
        { fileName: 'alpha.example.xml', xml: minimalXml('alpha.example', ['alpha.example']) },
        { fileName: 'alpha.example.xml old', xml: minimalXml('alpha.example', ['alpha.example'], 'old.example') },
        { fileName: 'pop.example.xml', xml: popOnly },
        { fileName: 'broken.example.xml', xml: '<clientConfig>' },
      ],
      {},
    );
    expect(providers.map((provider) => provider.id)).toEqual(['alpha.example', 'zeta.example']);
    expect(providers[0]?.imap[0]?.host).toBe('imap.alpha.example');
    expect(warnings.join('\n')).toMatch(/alpha\.example\.xml old: skipped/);
    expect(warnings.join('\n')).toMatch(/pop\.example\.xml: skipped \(no usable IMAP/);
    expect(warnings.join('\n')).toMatch(/broken\.example\.xml: skipped \(not a readable/);
  });

  it('uses file names as ids, because document ids repeat', () => {
    const { providers } = buildProviderTable(
      [
        { fileName: 'zoho.com.xml', xml: minimalXml('zoho.com', ['zoho.com']) },
        { fileName: 'zoho.eu.xml', xml: minimalXml('zoho.com', ['zoho.eu'], 'imap.zoho.eu') },
      ],
      {},
    );
    expect(providers.map((provider) => provider.id)).toEqual(['zoho.com', 'zoho.eu']);
  });

  it('gives a domain claimed twice to the first provider and says so', () => {
    const { providers, warnings } = buildProviderTable(
      [
        { fileName: 'a.example.xml', xml: minimalXml('a.example', ['shared.example', 'a.example']) },
        { fileName: 'b.example.xml', xml: minimalXml('b.example', ['shared.example', 'b.example']) },
      ],
      {},
    );
    expect(providers.find((p) => p.id === 'b.example')?.domains).toEqual(['b.example']);
    expect(warnings).toContain('b.example: domain shared.example already belongs to a.example; dropped here');
  });

  it('merges supplement overrides and extra providers', () => {
    const { providers } = buildProviderTable(
      [{ fileName: 'a.example.xml', xml: minimalXml('a.example', ['a.example']) }],
      {
        overrides: { 'a.example': { addDomains: ['A-Alias.example'], mxSuffixes: ['MX.a.example'], help: 'gmail' } },
        providers: [
          {
            id: 'extra.example',
            name: 'Extra',
            domains: ['extra.example'],
            imap: [{ host: 'imap.extra.example', port: 993, tls: 'implicit', username: '%EMAILADDRESS%', auth: [] }],
            smtp: [{ host: 'smtp.extra.example', port: 587, tls: 'starttls', username: '%EMAILADDRESS%', auth: [] }],
          },
        ],
      },
    );
    expect(providers.map((provider) => provider.id)).toEqual(['a.example', 'extra.example']);
    expect(providers[0]).toMatchObject({
      domains: ['a.example', 'a-alias.example'],
      mxSuffixes: ['mx.a.example'],
      help: 'gmail',
    });
  });

  it('refuses supplement mistakes loudly', () => {
    const files = [{ fileName: 'a.example.xml', xml: minimalXml('a.example', ['a.example']) }];
    expect(() => buildProviderTable(files, { overrides: { 'typo.example': { help: 'gmail' } } })).toThrow(
      /unknown provider "typo.example"/,
    );
    expect(() => buildProviderTable(files, { overrides: { 'a.example': { help: 'nope' } } })).toThrow();
    expect(() => buildProviderTable(files, { overrides: { 'a.example': { colour: 'red' } } })).toThrow();
  });
});

describe('providers.generated.json', () => {
  const generatedText = readFileSync(path.join(MAIL_DIR, 'providers.generated.json'), 'utf8');
  const table = providerTableSchema.parse(JSON.parse(generatedText));
  const providerIdByDomain = new Map(
    table.providers.flatMap((provider) => provider.domains.map((domain) => [domain, provider.id] as const)),
  );

  it('is up to date with the ISPDB corpus and the supplement', () => {
    const files = readdirSync(ISPDB_DIR)
      .filter(isActiveIspdbFileName)
      .map((fileName) => ({ fileName, xml: readIspdb(fileName) }));
    const supplement: unknown = JSON.parse(readFileSync(path.join(MAIL_DIR, 'providers.supplement.json'), 'utf8'));
    const rebuilt = serializeProviderTable({
      generatedFrom: table.generatedFrom,
      providers: buildProviderTable(files, supplement).providers,
    });
    // If this fails: npm run providers:generate
    expect(rebuilt).toBe(generatedText);
  });

  it.each([
    ['gmail.com', 'googlemail.com'],
    ['googlemail.com', 'googlemail.com'],
    ['outlook.com', 'hotmail.com'],
    ['hotmail.com', 'hotmail.com'],
    ['hotmail.co.uk', 'hotmail.com'],
    ['live.com', 'hotmail.com'],
    ['live.de', 'hotmail.com'],
    ['msn.com', 'hotmail.com'],
    ['office365.com', 'office365.com'],
    ['onmicrosoft.com', 'office365.com'],
    ['icloud.com', 'me.com'],
    ['me.com', 'me.com'],
    ['mac.com', 'me.com'],
    ['yahoo.com', 'yahoo.com'],
    ['ymail.com', 'yahoo.com'],
    ['aol.com', 'aol.com'],
    ['gmx.net', 'gmx.net'],
    ['gmx.de', 'gmx.net'],
    ['web.de', 'web.de'],
    ['zoho.com', 'zoho.com'],
    ['zoho.eu', 'zoho.eu'],
    ['yandex.ru', 'yandex.ru'],
    ['yandex.com', 'yandex.ru'],
    ['mail.ru', 'mail.ru'],
    ['fastmail.com', 'messagingengine.com'],
    ['fastmail.fm', 'messagingengine.com'],
  ])('maps %s to provider %s', (domain, providerId) => {
    expect(providerIdByDomain.get(domain)).toBe(providerId);
  });

  it('records MX suffixes and help keys for the providers that need them', () => {
    const byId = new Map(table.providers.map((provider) => [provider.id, provider]));
    expect(byId.get('office365.com')?.mxSuffixes).toContain('mail.protection.outlook.com');
    expect(byId.get('googlemail.com')?.mxSuffixes).toContain('google.com');
    expect(byId.get('messagingengine.com')?.mxSuffixes).toContain('messagingengine.com');
    expect(
      ['googlemail.com', 'office365.com', 'hotmail.com', 'me.com', 'yahoo.com', 'aol.com'].map(
        (id) => byId.get(id)?.help,
      ),
    ).toEqual(['gmail', 'microsoft365', 'outlook', 'icloud', 'yahoo', 'aol']);
  });

  it('has unique ids and every domain in one provider only', () => {
    const ids = table.providers.map((provider) => provider.id);
    expect(new Set(ids).size).toBe(ids.length);
    const domains = table.providers.flatMap((provider) => provider.domains);
    expect(new Set(domains).size).toBe(domains.length);
  });
});
