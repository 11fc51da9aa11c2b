import type { MailFolderSpecialUse } from '@/db/schema';

/** What the importer needs to know of a folder from LIST (a subset of ImapFlow's ListResponse). */
export interface ListedFolder {
  path: string;
  name: string;
  delimiter: string | null;
  flags: ReadonlySet<string>;
}

export interface ClassifiedFolder extends ListedFolder {
  specialUse: MailFolderSpecialUse | null;
  /** What `selected_for_import` starts as when the folder is first seen. */
  importByDefault: boolean;
}

const FLAG_TO_USE: Readonly<Record<string, MailFolderSpecialUse>> = {
  '\\inbox': 'inbox',
  '\\sent': 'sent',
  '\\drafts': 'drafts',
  '\\trash': 'trash',
  '\\junk': 'junk',
  '\\archive': 'archive',
};

/**
 * Names mail programs and providers give these folders, for servers that do not mark them with
 * RFC 6154 flags. Compared without case against the full path and against the last segment (so
 * `INBOX.Sent Items` on a server that nests everything below INBOX matches too).
 */
const NAMES_BY_USE: Readonly<Record<MailFolderSpecialUse, readonly string[]>> = {
  inbox: ['INBOX', 'Inkorg', 'Inkorgen'],
  sent: [
    'Sent', 'Sent Items', 'Sent Messages', 'Sent Mail', '[Gmail]/Sent Mail', '[Google Mail]/Sent Mail',
    'Skickat', 'Skickade', 'Skickade objekt', 'Skickade meddelanden', 'Gesendet', 'Gesendete Objekte', 'Envoyés', 'Enviados',
  ],
  drafts: ['Drafts', 'Draft', '[Gmail]/Drafts', '[Google Mail]/Drafts', 'Utkast', 'Entwürfe', 'Brouillons', 'Borradores'],
  trash: [
    'Trash', 'Deleted Items', 'Deleted Messages', 'Bin', '[Gmail]/Trash', '[Gmail]/Bin', '[Google Mail]/Trash', '[Google Mail]/Bin',
    'Papperskorgen', 'Papperskorg', 'Borttagna objekt', 'Borttaget', 'Papierkorb', 'Corbeille', 'Papelera',
  ],
  junk: ['Junk', 'Junk E-mail', 'Junk Email', 'Junk Mail', 'Spam', 'Bulk Mail', '[Gmail]/Spam', '[Google Mail]/Spam', 'Skräppost', 'Skräp', 'Spam-post'],
  archive: ['Archive', 'Archives', 'Arkiv', 'Arkivet', 'Archiv'],
};

const USES_IN_NAME_PRIORITY: readonly MailFolderSpecialUse[] = ['inbox', 'sent', 'drafts', 'trash', 'junk', 'archive'];

/** Uses imported without the user asking: what arrives and what the user sent. */
const IMPORTED_BY_DEFAULT: ReadonlySet<MailFolderSpecialUse> = new Set(['inbox', 'sent']);

/** \Noselect (and \NonExistent) entries are only hierarchy nodes: there is nothing to SELECT. */
export function isSelectable(folder: Pick<ListedFolder, 'flags'>): boolean {
  return ![...folder.flags].some((flag) => /^\\(noselect|nonexistent)$/i.test(flag));
}

function useFromFlags(folder: ListedFolder): MailFolderSpecialUse | null {
  if (folder.path.toUpperCase() === 'INBOX') return 'inbox';
  for (const flag of folder.flags) {
    const use = FLAG_TO_USE[flag.toLowerCase()];
    if (use) return use;
  }
  return null;
}

function useFromName(folder: ListedFolder): MailFolderSpecialUse | null {
  const candidates = [folder.path.toLowerCase(), folder.name.toLowerCase()];
  for (const use of USES_IN_NAME_PRIORITY) {
    if (NAMES_BY_USE[use].some((name) => candidates.includes(name.toLowerCase()))) return use;
  }
  return null;
}

/**
 * Gives each selectable folder its special use. A server's flags win; names only fill in uses that
 * no folder has a flag for, so a Dovecot with `\Sent` on "Sent" does not also treat an old
 * "Sent Items" as the sent folder. Within name matches, the first folder in LIST order wins.
 */
export function classifyFolders(listed: readonly ListedFolder[]): ClassifiedFolder[] {
  const selectable = listed.filter(isSelectable);
  const byFlag = new Map(selectable.map((folder) => [folder.path, useFromFlags(folder)]));
  const taken = new Set([...byFlag.values()].filter((use): use is MailFolderSpecialUse => use !== null));
  return selectable.map((folder) => {
    let specialUse = byFlag.get(folder.path) ?? null;
    if (specialUse === null) {
      const named = useFromName(folder);
      if (named !== null && !taken.has(named)) {
        specialUse = named;
        taken.add(named);
      }
    }
    return { ...folder, specialUse, importByDefault: specialUse !== null && IMPORTED_BY_DEFAULT.has(specialUse) };
  });
}
