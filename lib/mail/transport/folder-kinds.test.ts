import { describe, expect, it } from 'vitest';
import { classifyFolders, type ListedFolder } from './folder-kinds';

function folder(path: string, flags: string[] = [], delimiter: string | null = '/'): ListedFolder {
  const name = delimiter ? (path.split(delimiter).pop() ?? path) : path;
  return { path, name, delimiter, flags: new Set(flags) };
}

function usesOf(listed: ListedFolder[]) {
  return Object.fromEntries(classifyFolders(listed).map((entry) => [entry.path, entry.specialUse]));
}

describe('classifyFolders', () => {
  it('takes special use from RFC 6154 flags and imports INBOX and Sent by default', () => {
    const classified = classifyFolders([
      folder('INBOX'),
      folder('Sent', ['\\HasNoChildren', '\\Sent']),
      folder('Drafts', ['\\Drafts']),
      folder('Trash', ['\\Trash']),
      folder('Junk', ['\\Junk']),
      folder('Archive', ['\\Archive']),
      folder('Projects/Acme'),
    ]);
    expect(classified.map(({ path, specialUse, importByDefault }) => [path, specialUse, importByDefault])).toEqual([
      ['INBOX', 'inbox', true],
      ['Sent', 'sent', true],
      ['Drafts', 'drafts', false],
      ['Trash', 'trash', false],
      ['Junk', 'junk', false],
      ['Archive', 'archive', false],
      ['Projects/Acme', null, false],
    ]);
  });

  it('recognises common and Swedish names when the server sets no flags', () => {
    expect(
      usesOf([
        folder('INBOX'),
        folder('Skickade objekt'),
        folder('Utkast'),
        folder('Papperskorgen'),
        folder('Skräppost'),
        folder('Arkiv'),
      ]),
    ).toEqual({ INBOX: 'inbox', 'Skickade objekt': 'sent', Utkast: 'drafts', Papperskorgen: 'trash', Skräppost: 'junk', Arkiv: 'archive' });
    expect(usesOf([folder('INBOX'), folder('Borttagna objekt'), folder('Skickat')])).toMatchObject({ 'Borttagna objekt': 'trash', Skickat: 'sent' });
  });

  it('matches Gmail paths and names nested below INBOX', () => {
    expect(usesOf([folder('[Gmail]/Sent Mail'), folder('[Gmail]', ['\\Noselect'])])).toEqual({ '[Gmail]/Sent Mail': 'sent' });
    expect(usesOf([folder('INBOX.Sent Messages', [], '.'), folder('INBOX.Inkorg', [], '.')])).toMatchObject({ 'INBOX.Sent Messages': 'sent' });
  });

  it('lets a flag win over a name, and gives each use to one folder only', () => {
    expect(usesOf([folder('Sent Items'), folder('Outbox Copies', ['\\Sent'])])).toEqual({ 'Sent Items': null, 'Outbox Copies': 'sent' });
    expect(usesOf([folder('Sent'), folder('Sent Items')])).toEqual({ Sent: 'sent', 'Sent Items': null });
  });

  it('skips folders that cannot be selected', () => {
    expect(classifyFolders([folder('Shared', ['\\Noselect']), folder('Gone', ['\\NonExistent'])])).toEqual([]);
  });
});
