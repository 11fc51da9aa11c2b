import type { getFormatter } from 'next-intl/server';

type Formatter = Awaited<ReturnType<typeof getFormatter>>;

/** As mail clients show it: today's mail by time, this year's by day and month, older mail by date. */
export function listDateLabel(format: Formatter, date: Date, now: Date): string {
  if (date.toDateString() === now.toDateString()) return format.dateTime(date, { hour: '2-digit', minute: '2-digit' });
  if (date.getFullYear() === now.getFullYear()) return format.dateTime(date, { day: 'numeric', month: 'short' });
  return format.dateTime(date, { dateStyle: 'short' });
}
