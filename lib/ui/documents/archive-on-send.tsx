'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { suggestForRecipientsAction } from '@/lib/crm/documents/actions';
import type { LinkSuggestion } from '@/lib/crm/documents/client';
import type { ArchiveOnSendRequest } from '@/lib/mail/compose/client';
import { RecordPicker } from '@/lib/ui/crm/record-picker';

const FIELD = 'archive';
const listName = { company: `${FIELD}.companyIds`, contact: `${FIELD}.contactIds`, project: `${FIELD}.projectIds`, sale: `${FIELD}.saleIds` } as const;

/** Reads the composer's "Send and archive" choice from its form: null when the box is not ticked. */
export function archiveRequestFrom(form: HTMLFormElement): ArchiveOnSendRequest | null {
  const data = new FormData(form);
  if (data.get(`${FIELD}.enabled`) !== 'on') return null;
  const ids = (kind: keyof typeof listName) => [...new Set(data.getAll(`${listName[kind]}[]`).map(String))];
  return {
    companyIds: ids('company'),
    contactIds: ids('contact'),
    projectIds: ids('project'),
    saleIds: ids('sale'),
    visibility: data.get(`${FIELD}.visibility`) === 'only_me' ? 'only_me' : 'everyone',
  };
}

/**
 * The composer's "Archive in the CRM when sent": suggestions from the recipients (the sure ones
 * ticked), other records by search, and visibility. A reply or forward to archived mail opens with
 * the box ticked and that mail's links: a proposal the user sees and can untick before sending.
 */
export function ArchiveOnSend({ recipients, sourceMessageId, initial }: { recipients: string[]; sourceMessageId: string | null; initial: ArchiveOnSendRequest | null }) {
  const t = useTranslations('documents');
  const [enabled, setEnabled] = useState(initial !== null);
  const [suggestions, setSuggestions] = useState<LinkSuggestion[] | null>(null);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(
    new Set(initial ? [...initial.companyIds.map((id) => `company:${id}`), ...initial.contactIds.map((id) => `contact:${id}`), ...initial.projectIds.map((id) => `project:${id}`), ...initial.saleIds.map((id) => `sale:${id}`)] : []),
  );
  const [proposedFromReply, setProposedFromReply] = useState(false);
  const recipientKey = recipients.join(',');

  useEffect(() => {
    if (!enabled && !sourceMessageId) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await suggestForRecipientsAction(null, { addresses: recipientKey ? recipientKey.split(',') : [], sourceMessageId });
      if (!current || !result.ok) return;
      setSuggestions(result.data.suggestions);
      if (result.data.answersArchivedMail && initial === null && !enabled) {
        setEnabled(true);
        setProposedFromReply(true);
      }
      // The sure matches are ticked the first time they show; the user's own choices are kept after that.
      setTicked((previous) => (previous.size > 0 ? previous : new Set(result.data.suggestions.filter((entry) => entry.strong).map((entry) => `${entry.kind}:${entry.id}`))));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [enabled, recipientKey, sourceMessageId, initial]);

  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-slate-200 p-3" data-testid="archive-on-send">
      <label className="flex min-h-10 items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" name={`${FIELD}.enabled`} checked={enabled} onChange={(event) => setEnabled(event.target.checked)} className="h-4 w-4" />
        {t('archiveWhenSent')}
      </label>
      {enabled ? (
        <>
          {proposedFromReply ? <p className="text-sm text-indigo-800">{t('replyProposal')}</p> : null}
          {suggestions === null ? (
            <p className="text-sm text-slate-500">{t('loading')}</p>
          ) : suggestions.length === 0 ? (
            <p className="text-sm text-slate-500">{t('noSuggestions')}</p>
          ) : (
            <ul className="flex flex-col gap-1">
              {suggestions.map((suggestion) => {
                const key = `${suggestion.kind}:${suggestion.id}`;
                return (
                  <li key={key}>
                    <label className="flex min-h-10 items-start gap-2 text-sm">
                      <input
                        type="checkbox"
                        name={`${listName[suggestion.kind]}[]`}
                        value={suggestion.id}
                        checked={ticked.has(key)}
                        onChange={() =>
                          setTicked((previous) => {
                            const next = new Set(previous);
                            if (next.has(key)) next.delete(key);
                            else next.add(key);
                            return next;
                          })
                        }
                        className="mt-1 h-4 w-4"
                      />
                      <span>
                        <span className="mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t(`recordKinds.${suggestion.kind}`)}</span>{' '}
                        {suggestion.name}
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
          <details className="text-sm">
            <summary className="cursor-pointer text-slate-700">{t('linkOthers')}</summary>
            <div className="mt-2 grid gap-3 sm:grid-cols-2">
              <RecordPicker kind="company" name={listName.company} label={t('recordKinds.company')} multiple initial={[]} />
              <RecordPicker kind="contact" name={listName.contact} label={t('recordKinds.contact')} multiple initial={[]} />
              <RecordPicker kind="project" name={listName.project} label={t('recordKinds.project')} multiple initial={[]} />
              <RecordPicker kind="sale" name={listName.sale} label={t('recordKinds.sale')} multiple initial={[]} />
            </div>
          </details>
          <div className="flex flex-wrap gap-4 text-sm">
            <span className="font-medium text-slate-700">{t('visibleFor')}</span>
            <label className="flex items-center gap-1">
              <input type="radio" name={`${FIELD}.visibility`} value="everyone" defaultChecked={initial?.visibility !== 'only_me'} /> {t('visibility.everyone')}
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" name={`${FIELD}.visibility`} value="only_me" defaultChecked={initial?.visibility === 'only_me'} /> {t('visibility.only_me')}
            </label>
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
