const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Zone names seen in Date headers, in minutes east of UTC. RFC 5322's military letters mean "unknown": UTC. */
const ZONE_OFFSETS: ReadonlyMap<string, number> = new Map([
  ['ut', 0], ['utc', 0], ['gmt', 0], ['z', 0], ['wet', 0],
  ['est', -300], ['edt', -240], ['cst', -360], ['cdt', -300], ['mst', -420], ['mdt', -360], ['pst', -480], ['pdt', -420],
  ['akst', -540], ['akdt', -480], ['hst', -600],
  ['cet', 60], ['cest', 120], ['met', 60], ['mest', 120], ['west', 60], ['bst', 60], ['eet', 120], ['eest', 180], ['msk', 180],
  ['jst', 540], ['kst', 540], ['hkt', 480], ['sgt', 480], ['aest', 600], ['aedt', 660], ['nzst', 720], ['nzdt', 780],
]);

/** What nearly every mailer writes: "Tue, 2 Apr 2024 10:00:00 +0200". Read first, without the general scan. */
const RFC5322_DATE = /^(?:[A-Za-z]{3}, ?)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-])(\d{2})(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?|[a-z]{1,5})?$/i;
const DATE_TOKEN = /([a-z]+)|(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?|([+-])(\d{1,2}):?(\d{2})\b|(\d+)/gi;

/**
 * A Date header as a point in time: RFC 5322 dates, their obsolete forms (two- and three-digit
 * years, zone names, comments) and the sloppy ones real mailers write (no day name, no seconds,
 * asctime order, ISO 8601, "+02:00"). A date without a zone is taken as UTC. Null when it cannot be
 * read or names no real day.
 */
export function parseMailDate(text: string): Date | null {
  const standard = RFC5322_DATE.exec(text);
  if (standard !== null) {
    const [, day, monthName = '', year, hour, minute, second = '0', sign, offsetHours, offsetMinutes] = standard;
    const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * (sign === '-' ? -1 : 1);
    return dateOf(Number(year), MONTHS.indexOf(monthName.toLowerCase()), Number(day), Number(hour), Number(minute), Number(second), offset);
  }
  const value = withoutComments(text).trim();
  if (value === '' || value.length > 200) return null;
  const iso = ISO_DATE.exec(value);
  if (iso !== null) {
    const [, year, month, day, hour = '0', minute = '0', second = '0', zone] = iso;
    return dateOf(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), zone === undefined ? 0 : zoneOffset(zone));
  }

  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  let time: [number, number, number] | null = null;
  let offset: number | null = null;
  let afternoon: boolean | null = null;
  for (const match of value.matchAll(DATE_TOKEN)) {
    const [, word, hours, minutes, seconds, sign, offsetHours, offsetMinutes, digits] = match;
    if (word !== undefined) {
      const lower = word.toLowerCase();
      const monthIndex = lower.length >= 3 ? MONTHS.indexOf(lower.slice(0, 3)) : -1;
      if (monthIndex !== -1 && month === null && MONTH_NAME.test(lower)) month = monthIndex;
      else if (lower === 'am' || lower === 'pm') afternoon = lower === 'pm';
      else if (ZONE_OFFSETS.has(lower) && offset === null) offset = ZONE_OFFSETS.get(lower)!;
    } else if (hours !== undefined && time === null) {
      time = [Number(hours), Number(minutes), Number(seconds ?? 0)];
    } else if (sign !== undefined && time !== null) {
      // "GMT+0200" names the offset after the zone name.
      const minutesEast = (Number(offsetHours) * 60 + Number(offsetMinutes)) * (sign === '-' ? -1 : 1);
      offset = offset === 0 || offset === null ? minutesEast : offset;
    } else if (digits !== undefined || offsetHours !== undefined) {
      // A "-2024" before any time is the year of "02-Apr-2024", not a zone.
      const digitText = digits ?? `${offsetHours}${offsetMinutes}`;
      const number = Number(digitText);
      const width = digitText.length;
      if (day === null && width <= 2 && number >= 1 && number <= 31) day = number;
      else if (year === null) year = width === 2 ? (number < 50 ? 2000 + number : 1900 + number) : width === 3 ? 1900 + number : number;
    }
  }
  if (day === null || month === null || year === null) return null;
  const [hour, minute, second] = time ?? [0, 0, 0];
  const hour24 = afternoon !== null && hour <= 12 ? (hour % 12) + (afternoon ? 12 : 0) : hour;
  return dateOf(year, month, day, hour24, minute, second, offset ?? 0);
}

const MONTH_NAME = /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/;

function zoneOffset(zone: string): number {
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric !== null) return (Number(numeric[2]) * 60 + Number(numeric[3] ?? 0)) * (numeric[1] === '-' ? -1 : 1);
  return ZONE_OFFSETS.get(zone.toLowerCase()) ?? 0;
}

function dateOf(year: number, month: number, day: number, hour: number, minute: number, second: number, offsetMinutes: number): Date | null {
  if (year < 1000 || year > 9999 || month < 0 || month > 11 || hour > 24 || minute > 59 || second > 60) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  // A leap second is the last second of its minute.
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offsetMinutes * 60_000;
  return new Date(time);
}

function daysInMonth(year: number, month: number): number {
  if (month === 1) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 3 || month === 5 || month === 8 || month === 10 ? 30 : 31;
}

/** Drops (comments), nested ones included; the text after an unclosed "(" goes too. */
function withoutComments(text: string): string {
  if (!text.includes('(')) return text;
  let result = '';
  let depth = 0;
  for (const character of text) {
    if (character === '(') depth++;
    else if (character === ')' && depth > 0) depth--;
    else if (depth === 0) result += character;
  }
  return result;
}
