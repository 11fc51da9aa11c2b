import { ImapFlow, type FetchMessageObject, type ListResponse, type Logger, type MailboxObject, type SearchObject } from 'imapflow';
import { env } from '@/lib/env';
import type { ListedFolder } from './folder-kinds';
import { resolveMailHost } from './egress';
import { imapClientOptions, type ConnectionTimeouts, type ServerSettings } from './client-options';

/**
 * The importer's IMAP connection: one per account and pass. It only reads: folders are opened with
 * EXAMINE and bodies fetched with BODY.PEEK, so importing never marks anything as seen.
 */

const TIMEOUTS: ConnectionTimeouts = {
  connectionMs: 15_000,
  greetingMs: 15_000,
  // A batch of large messages can take a while to arrive on a slow link.
  socketMs: 120_000,
};

export interface FolderStatus {
  messages: number;
  uidNext: number;
  uidValidity: number;
  /** Null when the server has no CONDSTORE (or the folder keeps no mod-sequences). */
  highestModseq: bigint | null;
}

export interface OpenedFolder extends FolderStatus {
  path: string;
}

export interface ListedFolderWithStatus extends ListedFolder {
  /** Present when the server answered STATUS inline with LIST (LIST-STATUS). */
  status?: FolderStatus;
}

export interface FetchedMessage {
  uid: number;
  flags: string[];
  internalDate: Date | null;
  size: number;
  source: Buffer;
}

export interface FolderChanges {
  /** Current flags of every message whose flags changed since the given modseq, by UID. */
  flagsByUid: Map<number, string[]>;
  /** UIDs the server reported as expunged (QRESYNC VANISHED), or null when it cannot report them. */
  vanishedUids: number[] | null;
}

/** Which sync extensions to use when the server offers them; less than 'all' exercises the fallbacks other servers need. */
export type SyncExtensions = 'all' | 'condstore-only' | 'none';

/** A change that could not be made because its UIDs no longer mean anything: the folder is gone, or its UIDVALIDITY changed. */
export type StaleTarget = { status: 'folder-gone' | 'validity-changed' };
export type WriteOutcome = { status: 'done' } | StaleTarget;
export type MoveOutcome = { status: 'done'; uidMap: Map<number, number>; destinationUidValidity: number | null } | StaleTarget;

export interface ImapSessionOptions {
  /** ImapFlow's logger, e.g. to watch the commands in a test; silent when omitted. */
  logger?: Logger;
  /** Default 'all'. 'condstore-only' behaves like Gmail (no QRESYNC), 'none' like a server without CONDSTORE. */
  extensions?: SyncExtensions;
}

export class ImapSession {
  private constructor(
    private readonly client: ImapFlow,
    /** Filled by ImapFlow's expunge handler while a command runs; read and reset by changesSince(). */
    private readonly vanished: number[],
  ) {}

  /** Resolves the host through the SSRF guard, connects to the address it returned and logs in. */
  static async open(imap: Omit<ServerSettings, 'connectAddress'>, options: ImapSessionOptions = {}): Promise<ImapSession> {
    const { address } = await resolveMailHost(imap.host, { allowPrivate: env().mailAllowPrivateHosts });
    const extensions = options.extensions ?? 'all';
    const vanished: number[] = [];
    const client = new ImapFlow({
      ...imapClientOptions({ ...imap, connectAddress: address }, TIMEOUTS),
      ...(options.logger ? { logger: options.logger } : {}),
      // QRESYNC reports expunged UIDs in the answer to UID FETCH … (CHANGEDSINCE … VANISHED).
      qresync: extensions === 'all',
      // Without ENABLE, CONDSTORE stays off for the session (ImapFlow then never sends CHANGEDSINCE).
      disableAutoEnable: extensions === 'none',
      disableAutoIdle: true,
      expungeHandler: (event) => {
        if (event.uid !== undefined) vanished.push(event.uid);
      },
    });
    // Failures also arrive as 'error' events; unhandled, they would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw error;
    }
    return new ImapSession(client, vanished);
  }

  get hasCondstore(): boolean {
    return this.client.enabled.has('CONDSTORE') || this.client.enabled.has('QRESYNC');
  }

  get hasQresync(): boolean {
    return this.client.enabled.has('QRESYNC');
  }

  /** UIDPLUS: a move or append answers with the message's new UID. */
  get reportsNewUids(): boolean {
    return this.client.capabilities.has('UIDPLUS');
  }

  /** False once the connection broke; the rest of the pass cannot use it. */
  get usable(): boolean {
    return this.client.usable;
  }

  /**
   * All folders, with STATUS for each when the server can send it along with LIST (one command for
   * the whole account); otherwise the caller asks status() for the folders it imports.
   */
  async listFolders(): Promise<ListedFolderWithStatus[]> {
    const withStatus = this.client.capabilities.has('LIST-STATUS') || this.client.capabilities.has('IMAP4rev2');
    const listed = await this.client.list(
      withStatus ? { statusQuery: { messages: true, uidNext: true, uidValidity: true, highestModseq: this.hasCondstore } } : {},
    );
    return listed.map((entry) => {
      const status = entry.status ? toFolderStatus(entry.status) : null;
      return { ...toListedFolder(entry), ...(status ? { status } : {}) };
    });
  }

  async status(path: string): Promise<FolderStatus> {
    const status = await this.client.status(path, { messages: true, uidNext: true, uidValidity: true, highestModseq: this.hasCondstore });
    const parsed = status ? toFolderStatus(status) : null;
    if (!parsed) throw new Error(`STATUS of ${path} returned no UIDVALIDITY/UIDNEXT`);
    return parsed;
  }

  /** Opens the folder read-only (EXAMINE). */
  async open(path: string): Promise<OpenedFolder> {
    const mailbox: MailboxObject = await this.client.mailboxOpen(path, { readOnly: true });
    return {
      path,
      messages: mailbox.exists,
      uidNext: mailbox.uidNext,
      uidValidity: Number(mailbox.uidValidity),
      highestModseq: mailbox.noModseq ? null : (mailbox.highestModseq ?? null),
    };
  }

  /**
   * Flag changes (CONDSTORE) and, with QRESYNC, expunges since `modseq`, in one
   * `UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE modseq VANISHED)`.
   */
  async changesSince(modseq: bigint): Promise<FolderChanges> {
    this.vanished.length = 0;
    const changed = await this.client.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: modseq });
    const flagsByUid = new Map(changed.map((message) => [message.uid, flagsOf(message)]));
    const vanishedUids = this.hasQresync ? [...this.vanished] : null;
    this.vanished.length = 0;
    return { flagsByUid, vanishedUids };
  }

  /** Current flags of every message in the folder, for servers without CONDSTORE. */
  async allFlags(): Promise<Map<number, string[]>> {
    const messages = await this.client.fetchAll('1:*', { uid: true, flags: true }, { uid: true });
    return new Map(messages.map((message) => [message.uid, flagsOf(message)]));
  }

  async allUids(): Promise<number[]> {
    return this.searchUids({ all: true });
  }

  /** UIDs received on or after `since` (a UTC day; SEARCH has day precision) and before `before`, below `belowUid`. */
  async uidsInWindow(since: Date, before: Date | null, belowUid: number): Promise<number[]> {
    if (belowUid <= 1) return [];
    return this.searchUids({ since, ...(before ? { before } : {}), uid: `1:${belowUid - 1}` });
  }

  /** RFC822.SIZE of the given messages, or of every message from `fromUid` on, for planning batches. */
  async sizes(range: { uids: readonly number[] } | { fromUid: number }): Promise<Map<number, number>> {
    const sequence = 'uids' in range ? uidSet(range.uids) : `${range.fromUid}:*`;
    if (sequence === '') return new Map();
    const messages = await this.client.fetchAll(sequence, { uid: true, size: true }, { uid: true });
    const fromUid = 'fromUid' in range ? range.fromUid : 0;
    // "n:*" also matches the highest UID when it is below n (RFC 3501 6.4.8), so filter.
    return new Map(messages.filter((message) => message.uid >= fromUid).map((message) => [message.uid, message.size ?? 0]));
  }

  /**
   * Full sources of a batch, collected completely before returning: no other command may run while
   * a FETCH is streaming, and parsing happens only after it ended.
   */
  async fetchMessages(uids: readonly number[]): Promise<FetchedMessage[]> {
    const sequence = uidSet(uids);
    if (sequence === '') return [];
    const messages = await this.client.fetchAll(sequence, { uid: true, flags: true, internalDate: true, size: true, source: true }, { uid: true });
    return messages.map((message) => ({
      uid: message.uid,
      flags: flagsOf(message),
      internalDate: toDate(message.internalDate),
      size: message.size ?? message.source?.length ?? 0,
      source: message.source ?? Buffer.alloc(0),
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Changes written to the server (the Inbox's write-back). Each names the folder and the UIDVALIDITY
  // its UIDs belong to: when the folder is gone or was reset, the UIDs mean nothing any more and
  // nothing is touched.

  /** Adds or removes flags (e.g. \Seen, \Flagged) on messages of one folder. */
  async storeFlags(path: string, uidValidity: number, uids: readonly number[], change: { add?: readonly string[]; remove?: readonly string[] }): Promise<WriteOutcome> {
    const range = uidSet(uids);
    if (range === '') return { status: 'done' };
    const opened = await this.openForChanges(path, uidValidity);
    if (opened.status !== 'done') return opened;
    if (change.add && change.add.length > 0) await this.client.messageFlagsAdd(range, [...change.add], { uid: true });
    if (change.remove && change.remove.length > 0) await this.client.messageFlagsRemove(range, [...change.remove], { uid: true });
    return { status: 'done' };
  }

  /**
   * Moves messages to another folder: MOVE where the server has it, else COPY, \Deleted and
   * EXPUNGE of just these UIDs (ImapFlow chooses). With UIDPLUS the new UIDs come back, so the
   * caller can keep its copy of the message instead of importing it again.
   */
  async moveMessages(path: string, uidValidity: number, uids: readonly number[], destination: string): Promise<MoveOutcome> {
    const range = uidSet(uids);
    if (range === '') return { status: 'done', uidMap: new Map(), destinationUidValidity: null };
    const opened = await this.openForChanges(path, uidValidity);
    if (opened.status !== 'done') return opened;
    const result = await this.client.messageMove(range, destination, { uid: true });
    if (result === false) throw new Error(`the server refused to move messages from ${path} to ${destination}`);
    return {
      status: 'done',
      uidMap: result.uidMap ?? new Map(),
      destinationUidValidity: result.uidValidity === undefined ? null : Number(result.uidValidity),
    };
  }

  /** Deletes messages for good: \Deleted, then EXPUNGE of just these UIDs (UID EXPUNGE where the server has UIDPLUS). */
  async deleteMessages(path: string, uidValidity: number, uids: readonly number[]): Promise<WriteOutcome> {
    const range = uidSet(uids);
    if (range === '') return { status: 'done' };
    const opened = await this.openForChanges(path, uidValidity);
    if (opened.status !== 'done') return opened;
    const deleted = await this.client.messageDelete(range, { uid: true });
    if (!deleted) throw new Error(`the server refused to delete messages in ${path}`);
    return { status: 'done' };
  }

  /** Stores a message in a folder (a draft, a copy of sent mail); its UID when the server says (UIDPLUS). */
  async appendMessage(path: string, source: Buffer, flags: readonly string[], date?: Date): Promise<{ uid: number | null; uidValidity: number | null }> {
    const result = await this.client.append(path, source, [...flags], date);
    if (result === false) throw new Error(`the server refused to store a message in ${path}`);
    return {
      uid: result.uid ?? null,
      uidValidity: result.uidValidity === undefined ? null : Number(result.uidValidity),
    };
  }

  /** UIDs of the messages in a folder whose Message-ID header is `messageId` (without angle brackets). */
  async findByMessageId(path: string, messageId: string): Promise<{ uidValidity: number; uids: number[] }> {
    const folder = await this.open(path);
    const uids = await this.searchUids({ header: { 'message-id': `<${messageId}>` } });
    return { uidValidity: folder.uidValidity, uids };
  }

  private async openForChanges(path: string, uidValidity: number): Promise<{ status: 'done' } | { status: 'folder-gone' | 'validity-changed' }> {
    let mailbox: MailboxObject;
    try {
      mailbox = await this.client.mailboxOpen(path, { readOnly: false });
    } catch (error) {
      if ((error as { responseStatus?: unknown }).responseStatus === 'NO') return { status: 'folder-gone' };
      throw error;
    }
    return Number(mailbox.uidValidity) === uidValidity ? { status: 'done' } : { status: 'validity-changed' };
  }

  async close(): Promise<void> {
    if (this.client.usable) await this.client.logout().catch(() => undefined);
    this.client.close();
  }

  private async searchUids(query: SearchObject): Promise<number[]> {
    const result = await this.client.search(query, { uid: true });
    if (result === false || result === undefined) throw new Error('the server refused the UID SEARCH');
    return [...result].sort((a, b) => a - b);
  }

  /** EXAMINEs a folder; false when it is gone or its UIDs no longer mean what `uidValidity` said. */
  private async openForReading(path: string, uidValidity: number): Promise<boolean> {
    try {
      return (await this.open(path)).uidValidity === uidValidity;
    } catch (error) {
      // A NO to EXAMINE: the folder was deleted or renamed. Anything else is a connection problem.
      if ((error as { responseStatus?: unknown }).responseStatus === 'NO') return false;
      throw error;
    }
  }

  /**
   * The complete message as the server holds it, byte for byte (BODY.PEEK[], so it stays unseen).
   * Null when the folder is gone, its UIDVALIDITY is no longer `uidValidity`, or the UID is.
   */
  async downloadSource(path: string, uidValidity: number, uid: number): Promise<Buffer<ArrayBuffer> | null> {
    if (!(await this.openForReading(path, uidValidity))) return null;
    const message = await this.client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!message || !message.source) return null;
    return Buffer.from(message.source);
  }

  /**
   * One body part of a message (`1` of a single-part message is its whole body), with the
   * Content-Transfer-Encoding removed but otherwise byte for byte: no charset conversion, as it is
   * served as a file. EXAMINE and BODY.PEEK leave the message unseen. Null when the folder is gone,
   * its UIDVALIDITY is no longer `uidValidity` (the UID now means nothing), or the message or part is.
   */
  async downloadPart(path: string, uidValidity: number, uid: number, part: string): Promise<Buffer<ArrayBuffer> | null> {
    if (!(await this.openForReading(path, uidValidity))) return null;
    // Every chunk is a round trip: ImapFlow's 64 kB default would take hundreds for a 20 MB file.
    const download = await this.client.download(String(uid), part, { uid: true, decodeText: false, chunkSize: 1024 * 1024 });
    if (!download.content) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of download.content) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

function toListedFolder(entry: ListResponse): ListedFolder {
  const flags = new Set(entry.flags);
  // A use the server reported through XLIST or SPECIAL-USE counts as a flag even when ImapFlow kept it apart.
  if (entry.specialUse && entry.specialUseSource === 'extension') flags.add(entry.specialUse);
  return { path: entry.path, name: entry.name, delimiter: entry.delimiter || null, flags };
}

function toFolderStatus(status: { messages?: number; uidNext?: number; uidValidity?: bigint; highestModseq?: bigint }): FolderStatus | null {
  if (status.uidNext === undefined || status.uidValidity === undefined) return null;
  return {
    messages: status.messages ?? 0,
    uidNext: status.uidNext,
    uidValidity: Number(status.uidValidity),
    highestModseq: status.highestModseq ?? null,
  };
}

/** \Recent belongs to the session that saw the message first (RFC 3501), not to the message: never stored. */
function flagsOf(message: FetchMessageObject): string[] {
  return [...(message.flags ?? [])].filter((flag) => flag.toLowerCase() !== '\\recent').sort();
}

function toDate(value: Date | string | undefined): Date | null {
  if (value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A compact UID set ("1:5,9,12:14") for ascending or unordered UIDs. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start: number | undefined;
  let previous: number | undefined;
  for (const uid of sorted) {
    if (start !== undefined && previous !== undefined && uid === previous + 1) {
      previous = uid;
      continue;
    }
    if (start !== undefined && previous !== undefined) ranges.push(start === previous ? `${start}` : `${start}:${previous}`);
    start = uid;
    previous = uid;
  }
  if (start !== undefined && previous !== undefined) ranges.push(start === previous ? `${start}` : `${start}:${previous}`);
  return ranges.join(',');
}
