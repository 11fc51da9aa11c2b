import { describe, expect, it } from 'vitest';
import { buildReply, type OriginalMessage, type QuoteLabels } from './reply';

const labels: QuoteLabels = {
  wrote: 'On Monday, Carol wrote:',
  forwardedHeader: 'Forwarded message',
  from: 'From:',
  date: 'Date:',
  subject: 'Subject:',
  to: 'To:',
  cc: 'Cc:',
  formattedDate: 'Monday',
};

const original: OriginalMessage = {
  messageId: 'm3@customer.test',
  references: ['m1@customer.test', 'm2@me.test'],
  subject: 'SV: Offer',
  fromAddresses: [{ name: 'Carol', address: 'carol@customer.test' }],
  toAddresses: [
    { name: 'Me', address: 'me@me.test' },
    { name: 'Dan', address: 'dan@customer.test' },
  ],
  ccAddresses: [{ name: '', address: 'ME@me.test' }, { name: 'Eve', address: 'eve@other.test' }],
  replyToAddresses: [],
  sentAt: null,
  receivedAt: new Date(0),
  htmlBody: '<p>Hello <b>there</b></p>',
  textBody: 'Hello there',
};

describe('buildReply', () => {
  it('replies to the sender with threading headers and one Re:', () => {
    const reply = buildReply(original, 'reply', 'me@me.test', labels);
    expect(reply.to).toEqual([{ name: 'Carol', address: 'carol@customer.test' }]);
    expect(reply.cc).toEqual([]);
    expect(reply.subject).toBe('Re: Offer');
    expect(reply.inReplyTo).toBe('m3@customer.test');
    expect(reply.references).toEqual(['m1@customer.test', 'm2@me.test', 'm3@customer.test']);
    expect(reply.html).toContain('<blockquote');
    expect(reply.html).toContain('<p>Hello <b>there</b></p>');
  });

  it('reply all copies everyone but the user, once', () => {
    const reply = buildReply(original, 'reply_all', 'me@me.test', labels);
    expect(reply.to.map((entry) => entry.address)).toEqual(['carol@customer.test']);
    expect(reply.cc.map((entry) => entry.address)).toEqual(['dan@customer.test', 'eve@other.test']);
  });

  it('honours Reply-To', () => {
    const reply = buildReply({ ...original, replyToAddresses: [{ name: '', address: 'sales@customer.test' }] }, 'reply', 'me@me.test', labels);
    expect(reply.to.map((entry) => entry.address)).toEqual(['sales@customer.test']);
  });

  it('replying to one of my own messages goes to its recipients', () => {
    const mine = { ...original, fromAddresses: [{ name: 'Me', address: 'me@me.test' }] };
    expect(buildReply(mine, 'reply', 'me@me.test', labels).to.map((entry) => entry.address)).toEqual(['dan@customer.test']);
  });

  it('forwards with a header block, no recipients and no threading', () => {
    const forward = buildReply(original, 'forward', 'me@me.test', labels);
    expect(forward).toMatchObject({ to: [], cc: [], subject: 'Fwd: Offer', inReplyTo: null, references: [] });
    expect(forward.html).toContain('Forwarded message');
    expect(forward.html).toContain('Carol &lt;carol@customer.test&gt;');
  });

  it('quotes a plain-text original escaped', () => {
    const reply = buildReply({ ...original, htmlBody: null, textBody: '<script>x</script>\nline 2' }, 'reply', 'me@me.test', labels);
    expect(reply.html).toContain('&lt;script&gt;x&lt;/script&gt;<br>line 2');
  });
});
