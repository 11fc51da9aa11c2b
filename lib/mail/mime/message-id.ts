import crypto from 'node:crypto';

/**
 * Message-IDs are stored in one normal form, so that threading is plain string equality:
 *
 * - without the angle brackets and without any whitespace (folding can split a long id over lines);
 * - the part left of the last `@` keeps its case: RFC 5322 gives it no case rules, and mail programs
 *   compare it byte for byte, so `<ABC@x>` and `<abc@x>` may be different messages;
 * - the part right of the `@` is lower-cased: it is a domain name, and some servers rewrite its case
 *   between the copy in Sent and the copy a recipient replies to.
 */
export function normalizeMessageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let id = raw.trim();
  const bracketed = /<([^<>]*)>/.exec(id);
  if (bracketed) id = bracketed[1] ?? '';
  id = id.replace(/\s+/g, '').replace(/^<+|>+$/g, '');
  if (id === '') return null;
  const at = id.lastIndexOf('@');
  return at > 0 ? `${id.slice(0, at)}@${id.slice(at + 1).toLowerCase()}` : id;
}

/**
 * All ids of a References or In-Reply-To header, in order, normalised and without repeats.
 * Accepts the raw header text or what a parser already split; ids in angle brackets are taken from
 * anywhere in the text (some programs add comments like "(Ann's message of Monday)"), and without
 * any brackets each whitespace-separated word counts as one id.
 */
export function parseMessageIdList(raw: string | readonly string[] | null | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  const texts = typeof raw === 'string' ? [raw] : raw;
  const ids: string[] = [];
  for (const text of texts) {
    const bracketed = [...text.matchAll(/<([^<>]*)>/g)].map((match) => match[1] ?? '');
    const candidates = bracketed.length > 0 ? bracketed : text.split(/\s+/).filter((word) => word.includes('@'));
    for (const candidate of candidates) {
      const id = normalizeMessageId(candidate);
      if (id !== null && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

export interface ThreadingHeaders {
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
}

/**
 * The thread a message belongs to, identified by the Message-ID of the thread's first message:
 * the root of References, else the message it replies to, else its own id. A message without
 * any id starts a thread of its own with a generated id (the prefix keeps it from ever equalling a
 * real Message-ID).
 */
export function threadIdFor(headers: ThreadingHeaders): string {
  return headers.references[0] ?? headers.inReplyTo ?? headers.messageId ?? `generated:${crypto.randomUUID()}`;
}
