import { providerTableSchema, type ProviderEntry } from './provider-schema';
import generatedProviderTable from './providers.generated.json';

// The built-in table: providers we know without any network access, found by e-mail domain or,
// for custom domains, by the host their MX records point to.

interface ProviderIndex {
  byDomain: ReadonlyMap<string, ProviderEntry>;
  mxSuffixes: ReadonlyArray<{ suffix: string; provider: ProviderEntry }>;
}

let providerIndex: ProviderIndex | null = null;

function getProviderIndex(): ProviderIndex {
  if (providerIndex === null) {
    // Validated once, so a hand-edited or stale JSON file fails loudly instead of misdirecting users.
    const table = providerTableSchema.parse(generatedProviderTable);
    const byDomain = new Map<string, ProviderEntry>();
    const mxSuffixes: Array<{ suffix: string; provider: ProviderEntry }> = [];
    for (const provider of table.providers) {
      for (const domain of provider.domains) {
        byDomain.set(domain, provider);
      }
      for (const suffix of provider.mxSuffixes ?? []) {
        mxSuffixes.push({ suffix, provider });
      }
    }
    // Longest first, so gm0.yahoodns.net (AOL) wins over a shorter yahoodns suffix.
    mxSuffixes.sort((a, b) => b.suffix.length - a.suffix.length);
    providerIndex = { byDomain, mxSuffixes };
  }
  return providerIndex;
}

export function findProviderByDomain(domain: string): ProviderEntry | undefined {
  return getProviderIndex().byDomain.get(domain.toLowerCase());
}

/** Matches an MX host such as contoso-com.mail.protection.outlook.com against the providers' MX suffixes. */
export function findProviderByMxHost(mxHost: string): ProviderEntry | undefined {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  return getProviderIndex().mxSuffixes.find(
    ({ suffix }) => host === suffix || host.endsWith(`.${suffix}`),
  )?.provider;
}
