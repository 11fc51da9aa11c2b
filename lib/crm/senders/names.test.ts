import { describe, expect, it } from 'vitest';
import { companyNameFromDomain, domainOfAddress, splitDisplayName } from './names';

describe('splitDisplayName', () => {
  it.each([
    ['John Doe', 'x@y.se', 'John', 'Doe'],
    ['"Doe, John"', 'x@y.se', 'John', 'Doe'],
    ['Doe, John', 'x@y.se', 'John', 'Doe'],
    ["'Anna Maria Svensson'", 'x@y.se', 'Anna Maria', 'Svensson'],
    ['Ludwig van Beethoven', 'x@y.se', 'Ludwig', 'van Beethoven'],
    ['Sofia af Klint', 'x@y.se', 'Sofia', 'af Klint'],
    ['Madonna', 'x@y.se', 'Madonna', ''],
    ['Carl Berg (Acme)', 'x@y.se', 'Carl', 'Berg'],
    ['  Åsa   Öberg ', 'x@y.se', 'Åsa', 'Öberg'],
    ['', 'john.doe@acme.se', 'John', 'Doe'],
    ['', 'anna-lena_berg+news@acme.se', 'Anna Lena', 'Berg'],
    ['', 'info@acme.se', 'Info', ''],
    ['john.doe@acme.se', 'john.doe@acme.se', 'John', 'Doe'],
    ['"Doe,"', 'x@y.se', 'Doe', ''],
  ])('%j <%s> → %s / %s', (name, address, firstName, lastName) => {
    expect(splitDisplayName(name, address)).toEqual({ firstName, lastName });
  });
});

describe('companyNameFromDomain', () => {
  it.each([
    ['acme-corp.se', 'Acme Corp'],
    ['mail.acme-corp.co.uk', 'Acme Corp'],
    ['ACME.com', 'Acme'],
    ['customer.test', 'Customer'],
    ['ödegård.se', 'Ödegård'],
    ['127.0.0.1', ''],
  ])('%s → %j', (domain, name) => {
    expect(companyNameFromDomain(domain)).toBe(name);
  });

  it('takes the domain of an address', () => {
    expect(domainOfAddress('Ann@Example.SE')).toBe('example.se');
    expect(domainOfAddress('nobody')).toBe('');
  });
});
