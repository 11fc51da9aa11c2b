/**
 * Reply and forward prefixes. Mail programs in other languages write their own ("SV:" in Swedish
 * Outlook, "AW:" in German, "VB:" in Dutch …), and some count ("Re[2]:", "Re(3):"). Every leading
 * prefix of either kind is removed before one English "Re:"/"Fwd:" is put in front, as Gmail does,
 * so a thread never grows "Re: SV: Re:".
 */

const REPLY_PREFIXES = ['re', 'sv', 'aw', 'antw', 'ang', 'odp', 'vs', 'r', 'rif', 'res', 'ynt', 'atb', 'отв', '回复', '答复', '回覆'];
const FORWARD_PREFIXES = ['fwd', 'fw', 'vb', 'wg', 'tr', 'vl', 'enc', 'rv', 'i', 'pd', 'fs', 'doorst', 'továbbítás', 'přeposlat', 'пересл', '转发', '轉寄'];

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const prefixPattern = (words: string[]) =>
  // "Re:", "RE :", "Re[2]:", "Re(2):", "Re: Re:", full-width colon too.
  new RegExp(`^\\s*(?:${words.map(escape).join('|')})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]\\s*`, 'iu');

const ANY_PREFIX = prefixPattern([...REPLY_PREFIXES, ...FORWARD_PREFIXES]);
// Mailing-list tags like "[sales]" before a prefix are kept in front.
const LIST_TAG = /^\s*(\[[^\]]{1,40}\])\s*/u;

/** The subject without any leading reply or forward prefixes. */
export function baseSubject(subject: string): string {
  let rest = subject.trim();
  for (;;) {
    const next = rest.replace(ANY_PREFIX, '');
    if (next === rest) return rest;
    rest = next;
  }
}

function withPrefix(prefix: string, subject: string): string {
  const tag = LIST_TAG.exec(subject);
  const rest = tag ? subject.slice(tag[0].length) : subject;
  const base = baseSubject(rest);
  return `${tag ? `${tag[1]} ` : ''}${prefix} ${base}`.trim();
}

export function replySubject(subject: string): string {
  return withPrefix('Re:', subject);
}

export function forwardSubject(subject: string): string {
  return withPrefix('Fwd:', subject);
}
