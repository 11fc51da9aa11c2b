// npm run mail:dev   (needs root; the npm script first installs Dovecot and Postfix when missing)
// Runs throw-away Dovecot + Postfix on loopback with two demo mailboxes full of realistic mail, so the
// inbox can be developed against a real server. Everything lives in a temp dir that Ctrl-C removes.
import net from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { startMailServers, type DeliverOptions, type MailServerPorts, type MailServers } from '../tests/harness/mail-servers';
import { appCommand, PORT_VARIABLES, requestedPorts } from './mail-dev-settings';


const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const DAY_MS = 24 * 60 * 60 * 1000;

async function main(): Promise<void> {
  const ports = await availablePreferredPorts();
  console.log('Starting Dovecot and Postfix…');
  const servers = await startMailServers({ ports });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the mail servers…`);
    try {
      await servers.stop();
      console.log('Stopped; the temp dir is gone.');
      process.exit(0);
    } catch (error) {
      console.error('Stopping failed:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const seeded = await seedDemoMail(servers);
    printConnectionSettings(servers, seeded);
  } catch (error) {
    await servers.stop();
    throw error;
  }
  // The servers are child processes; the signal handlers above keep this process alive until asked to stop.
  setInterval(() => undefined, 1 << 30);
}

async function availablePreferredPorts(): Promise<Partial<MailServerPorts>> {
  const chosen: Partial<MailServerPorts> = {};
  for (const [name, port] of Object.entries(requestedPorts(process.env)) as [keyof MailServerPorts, number][]) {
    if (await isPortFree(port)) chosen[name] = port;
    else console.warn(`Port ${port} is taken; ${name} gets a free port instead (set ${PORT_VARIABLES[name]} to choose one).`);
  }
  return chosen;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function printConnectionSettings(servers: MailServers, seededCount: number): void {
  const users = servers.users.map((user) => `    ${user.email.padEnd(22)} password: ${user.password}`).join('\n');
  console.log(`
Mail servers are up (${seededCount} demo messages seeded). Host: ${servers.host} or localhost

  IMAP   ${servers.imapStarttlsPort}  STARTTLS
         ${servers.imapTlsPort}  SSL/TLS (implicit)
         ${servers.imapPlainPort}  no encryption (no STARTTLS offered)
  SMTP   ${servers.smtpSubmissionPort}  STARTTLS (submission, login required)
         ${servers.smtpTlsPort}  SSL/TLS (implicit)
         ${servers.smtpPlainPort}  no encryption (no STARTTLS offered)

  Accounts (user name = address):
${users}
  Mail to example.test lands in these mailboxes; mail to any other domain is accepted and dropped.

Start the app with this (the certificates come from a throw-away CA, and the servers are on
loopback, which the app only accepts as a mail server when allowed):

  ${appCommand(servers.caCertPath)}

Logs: ${servers.logFiles.dovecot}
      ${servers.logFiles.postfix}
Ctrl-C stops the servers and deletes all of it.`);
}

interface DemoMessage {
  mailbox: string;
  options?: DeliverOptions;
  mail: Mail.Options;
}

async function seedDemoMail(servers: MailServers): Promise<number> {
  const messages = demoMessages(Date.now());
  for (const { mailbox, options, mail } of messages) {
    const raw = await new MailComposer(mail).compile().build();
    await servers.deliver(raw, mailbox, options);
  }
  return messages.length;
}

/** Mail a sales team would have: customers, colleagues, newsletters, a thread, an attachment, old mail and sent mail. */
function demoMessages(now: number): DemoMessage[] {
  const daysAgo = (days: number, hour = 9): Date => {
    const date = new Date(now - days * DAY_MS);
    date.setHours(hour, (days * 17) % 60, 0, 0);
    // "Today at 17:00" must not lie in the future when the script runs in the morning.
    return date.getTime() > now ? new Date(now - (days + 1) * 60_000) : date;
  };
  const messageId = (name: string) => `<${name}.${now}@demo.example.test>`;
  const received = (date: Date, flags?: string, folder?: string): DeliverOptions => ({
    receivedAt: date,
    ...(flags !== undefined ? { flags } : {}),
    ...(folder ? { folder } : {}),
  });
  const toAlice = (days: number, mail: Omit<Mail.Options, 'to' | 'date'>, flags?: string, hour?: number): DemoMessage => {
    const date = daysAgo(days, hour);
    return { mailbox: ALICE, options: received(date, flags), mail: { ...mail, to: `Alice Andersen <${ALICE}>`, date } };
  };
  const sentByAlice = (days: number, mail: Omit<Mail.Options, 'from' | 'date'>): DemoMessage => {
    const date = daysAgo(days, 15);
    return { mailbox: ALICE, options: received(date, 'S', 'Sent'), mail: { ...mail, from: `Alice Andersen <${ALICE}>`, date } };
  };

  const quoteCsv = ['item,quantity,unit price (EUR)', 'CRM Inbox seat,25,19.00', 'Onboarding workshop,1,1200.00', 'Priority support,1,450.00'].join('\n');

  return [
    toAlice(0, {
      from: 'Marta Nowak <marta.nowak@northwind.example>',
      subject: 'Renewal – can we talk pricing?',
      messageId: messageId('renewal'),
      text: 'Hi Alice,\n\nour contract runs out at the end of next month. Before we renew we would like to discuss the per-seat price, as we are growing to about 40 users.\n\nDo you have time on Thursday afternoon?\n\nBest,\nMarta\n\n--\nMarta Nowak · Head of Operations · Northwind Traders',
    }),
    toAlice(0, {
      from: 'Tom Becker <tom.becker@contoso.example>',
      subject: 'Demo follow-up',
      messageId: messageId('demo-follow-up'),
      html: '<p>Hello Alice,</p><p>thanks again for the demo yesterday. The team especially liked the <strong>shared inbox</strong> and the way e-mails show up on the customer record.</p><p>Two questions:</p><ol><li>Can we import our existing contacts from a CSV file?</li><li>Is there an audit log for who replied to which e-mail?</li></ol><p>Kind regards,<br>Tom</p>',
      text: 'Hello Alice,\n\nthanks again for the demo yesterday. The team especially liked the shared inbox.\n\n1. Can we import our existing contacts from a CSV file?\n2. Is there an audit log for who replied to which e-mail?\n\nKind regards,\nTom',
    }, undefined, 11),
    toAlice(1, {
      from: 'Marta Nowak <marta.nowak@northwind.example>',
      subject: 'Quote request: 25 seats + onboarding',
      messageId: messageId('quote-request'),
      text: 'Hi Alice,\n\nplease find attached what we think we need. Could you send us a formal quote based on it?\n\nThanks,\nMarta',
      attachments: [{ filename: 'requirements.csv', content: quoteCsv, contentType: 'text/csv' }],
    }, 'S'),
    sentByAlice(1, {
      to: 'Marta Nowak <marta.nowak@northwind.example>',
      subject: 'Re: Quote request: 25 seats + onboarding',
      messageId: messageId('quote-reply'),
      inReplyTo: messageId('quote-request'),
      references: [messageId('quote-request')],
      text: 'Hi Marta,\n\nthank you, I have everything I need. You will have the quote by Friday.\n\nBest regards,\nAlice',
    }),
    toAlice(1, {
      from: 'Marta Nowak <marta.nowak@northwind.example>',
      subject: 'Re: Quote request: 25 seats + onboarding',
      messageId: messageId('quote-thanks'),
      inReplyTo: messageId('quote-reply'),
      references: [messageId('quote-request'), messageId('quote-reply')],
      text: 'Perfect, thank you!\n\nMarta',
    }, 'S', 17),
    toAlice(2, {
      from: 'Bob Brown <bob@example.test>',
      subject: 'Lunch & pipeline review',
      messageId: messageId('pipeline'),
      text: 'Alice, shall we go through the Q3 pipeline over lunch on Wednesday? I will bring the numbers.\n\nBob',
    }, 'S'),
    toAlice(2, {
      from: 'Jun Tanaka <jun@fabrikam.example>',
      subject: '請求書の件 / Invoice question',
      messageId: messageId('invoice-question'),
      text: 'Hello Alice,\n\nthe invoice INV-2024-0117 lists 30 seats but we only have 25 active users. Could you check?\n\n（日本語版：請求書の席数をご確認ください。）\n\nJun Tanaka\nFabrikam, Inc.',
    }, 'FS'),
    toAlice(3, {
      from: 'CRM Weekly <newsletter@crmweekly.example>',
      subject: '5 ways to shorten your sales cycle',
      messageId: messageId('newsletter-1'),
      html: '<div style="font-family:sans-serif;max-width:600px"><h1 style="color:#1d4ed8">CRM Weekly</h1><h2>5 ways to shorten your sales cycle</h2><p>1. Reply within the hour. 2. Keep every e-mail on the deal. 3. …</p><p style="font-size:12px;color:#666"><a href="https://crmweekly.example/unsubscribe">Unsubscribe</a></p></div>',
      headers: { 'List-Unsubscribe': '<https://crmweekly.example/unsubscribe>' },
    }, ''),
    toAlice(4, {
      from: 'Lena Fischer <lena.fischer@adventure-works.example>',
      subject: 'Introduction: Adventure Works × your team',
      messageId: messageId('introduction'),
      text: 'Dear Alice,\n\nRafael from Contoso suggested I get in touch. We are looking for a CRM that handles e-mail well for a team of 12.\n\nWould a short call next week work for you?\n\nBest wishes,\nLena Fischer',
    }),
    sentByAlice(4, {
      to: 'Lena Fischer <lena.fischer@adventure-works.example>',
      subject: 'Re: Introduction: Adventure Works × your team',
      messageId: messageId('introduction-reply'),
      inReplyTo: messageId('introduction'),
      references: [messageId('introduction')],
      html: '<p>Dear Lena,</p><p>thank you for reaching out! How about <b>Tuesday at 10:00</b>? I will send an invitation.</p><p>Best regards,<br>Alice Andersen</p>',
      text: 'Dear Lena,\n\nthank you for reaching out! How about Tuesday at 10:00? I will send an invitation.\n\nBest regards,\nAlice Andersen',
    }),
    toAlice(6, {
      from: 'Billing <billing@saas-tools.example>',
      subject: 'Your receipt #48213',
      messageId: messageId('receipt'),
      html: '<table style="font-family:sans-serif"><tr><td>Plan</td><td>Team</td></tr><tr><td>Amount</td><td>€49.00</td></tr></table><p>Thank you for your business.</p>',
    }, 'S'),
    toAlice(8, {
      from: 'Tom Becker <tom.becker@contoso.example>',
      subject: 'Security questionnaire',
      messageId: messageId('security'),
      text: 'Hi Alice,\n\nour IT department needs the attached questionnaire filled in before we can sign. No rush, end of month is fine.\n\nTom',
      attachments: [{ filename: 'security-questionnaire.txt', content: '1. Where is customer data stored?\n2. Is data encrypted at rest?\n3. Do you support SSO?\n' }],
    }, 'S'),
    sentByAlice(9, {
      to: 'Tom Becker <tom.becker@contoso.example>',
      cc: 'Bob Brown <bob@example.test>',
      subject: 'Demo on Monday',
      messageId: messageId('demo-invite'),
      text: 'Hi Tom,\n\nlooking forward to Monday. Bob from our solutions team will join us.\n\nAlice',
    }),
    toAlice(12, {
      from: 'Calendar <calendar@example.test>',
      subject: 'Reminder: Quarterly business review',
      messageId: messageId('qbr-reminder'),
      text: 'Quarterly business review with Northwind Traders, Thursday 14:00–15:00, room "Atlas".',
    }, 'S'),
    toAlice(21, {
      from: 'Rafael Costa <rafael@contoso.example>',
      subject: 'Referral: Adventure Works',
      messageId: messageId('referral'),
      text: 'Alice, Lena Fischer from Adventure Works will contact you, they are evaluating CRMs. I told her good things. – Rafael',
    }, 'S'),
    toAlice(45, {
      from: 'Marta Nowak <marta.nowak@northwind.example>',
      subject: 'Contract signed',
      messageId: messageId('contract-signed'),
      text: 'Hi Alice,\n\nthe signed contract is on its way by post. Thanks for the smooth process!\n\nMarta',
    }, 'S'),
    toAlice(62, {
      from: 'CRM Weekly <newsletter@crmweekly.example>',
      subject: 'Is your inbox your CRM?',
      messageId: messageId('newsletter-0'),
      html: '<h1>CRM Weekly</h1><p>Why the best sales teams never leave their inbox…</p>',
    }, 'S'),
    { mailbox: ALICE, options: received(daysAgo(30, 10), 'S', 'Archive'), mail: {
      from: 'Lena Fischer <lena.fischer@adventure-works.example>',
      to: `Alice Andersen <${ALICE}>`,
      date: daysAgo(30, 10),
      subject: 'Old thread: trial extension',
      messageId: messageId('trial-extension'),
      text: 'Could we extend the trial by two weeks? Thanks, Lena',
    } },
    { mailbox: ALICE, options: received(daysAgo(5, 8), 'D', 'Drafts'), mail: {
      from: `Alice Andersen <${ALICE}>`,
      to: 'Jun Tanaka <jun@fabrikam.example>',
      date: daysAgo(5, 8),
      subject: 'Re: 請求書の件 / Invoice question',
      text: 'Hello Jun,\n\nyou are right, I will send a corrected invoice',
    } },
    { mailbox: BOB, options: received(daysAgo(0, 8)), mail: {
      from: `Alice Andersen <${ALICE}>`,
      to: `Bob Brown <${BOB}>`,
      date: daysAgo(0, 8),
      subject: 'Northwind renewal – can you prepare numbers?',
      messageId: messageId('bob-northwind'),
      text: 'Bob, Marta from Northwind wants to talk pricing for 40 seats. Could you prepare a volume discount table?\n\nThanks, Alice',
    } },
    { mailbox: BOB, options: received(daysAgo(3, 13), 'S'), mail: {
      from: 'Tom Becker <tom.becker@contoso.example>',
      to: `Bob Brown <${BOB}>`,
      date: daysAgo(3, 13),
      subject: 'SSO setup',
      messageId: messageId('bob-sso'),
      text: 'Hi Bob, which identity providers do you support for single sign-on? Regards, Tom',
    } },
  ];
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
