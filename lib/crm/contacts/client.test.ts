import { describe, expect, it } from 'vitest';
import { contactFieldsSchema } from './client';

describe('contact form rules', () => {
  it('normalises addresses, drops empty rows and keeps exactly one primary', () => {
    const parsed = contactFieldsSchema.parse({ firstName: ' Eva ', emails: ['', ' Eva@Example.COM ', 'eva@example.com', 'b@x.se'], primaryEmail: '3', phones: ['', '+46 70 1'], phoneLabels: ['work', 'mobile'] });
    expect(parsed.emails).toEqual([
      { address: 'eva@example.com', isPrimary: false },
      { address: 'b@x.se', isPrimary: true },
    ]);
    expect(parsed.phones).toEqual([{ number: '+46 70 1', label: 'mobile' }]);
    expect(parsed.firstName).toBe('Eva');
  });

  it('asks for a name and valid addresses, with specific messages', () => {
    const result = contactFieldsSchema.safeParse({ emails: 'not-an-address', phones: 'call me' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).sort()).toEqual(['crm.contactNameRequired', 'crm.invalidPhone', 'invalidEmail']);
  });
});
