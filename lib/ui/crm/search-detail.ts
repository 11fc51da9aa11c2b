/** A project's status or a sale's stage arrives as its code: shown in the user's language. */
export function detailText(kind: string, detail: string, t: (key: string) => string): string {
  if (kind === 'project') return t(`statuses.${detail}`);
  if (kind === 'sale') {
    const [stage, ...rest] = detail.split(' · ');
    return [t(`stages.${stage}`), ...rest].join(' · ');
  }
  return detail;
}
