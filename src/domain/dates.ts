/**
 * Calendar helpers on local dates (`YYYY-MM-DD`) and ISO 8601 weeks (`2026-W48`), Europe/Paris.
 * Arithmetic runs on UTC midnights, so neither the machine's time zone nor a daylight-saving
 * change ever shifts a date or a week. What today's screen needs is in calendar.ts (re-exported).
 */
import type { IsoDate } from './records';
import { addDays, DATE_RE, DAY_MS, isoWeekday, toUtc, weekPeriod, type IsoWeek, type Period } from './calendar';

export {
  addDays,
  clockFromMinutes,
  isoWeekday,
  isValidTime,
  minutesOfDay,
  PARIS_TZ,
  parisDate,
  parisTime,
  weekPeriod,
  type IsoWeek,
  type Period,
} from './calendar';

const WEEK_RE = /^(\d{4})-W(\d{2})$/;
export function isValidDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  // Plain arithmetic (no Date object): this runs for every record the server validates.
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/**
 * The plausible range of a record's date: from 2000-01-01 (nothing older is ever logged) to two
 * years after today (mandates and follow-ups look ahead). Outside it a date is a typo or junk,
 * and years 0–99 would even shift to the 1900s in JS `Date` arithmetic.
 */
export const EARLIEST_DATE: IsoDate = '2000-01-01';
export const LATER_YEARS_ALLOWED = 2;
let latest = { until: 0, date: '' };

/** Today + 2 years (UTC; a day's difference does not matter at that distance), cached an hour. */
export function latestPlausibleDate(now = Date.now()): IsoDate {
  if (now >= latest.until || now < latest.until - 3_600_000) {
    const d = new Date(now);
    d.setUTCFullYear(d.getUTCFullYear() + LATER_YEARS_ALLOWED);
    latest = { until: now + 3_600_000, date: d.toISOString().slice(0, 10) };
  }
  return latest.date;
}

/** A valid date within the plausible range (see EARLIEST_DATE). */
export function isPlausibleDate(value: unknown): value is IsoDate {
  return isValidDate(value) && value >= EARLIEST_DATE && value <= latestPlausibleDate();
}

/** `JJ/MM/AAAA`, for messages. */
export const frenchDate = (date: IsoDate) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

export const implausibleDateMessage = () => `Date hors de la plage acceptée : du ${frenchDate(EARLIEST_DATE)} au ${frenchDate(latestPlausibleDate())}.`;

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((toUtc(b).getTime() - toUtc(a).getTime()) / DAY_MS);
}

export function isoWeekOf(date: IsoDate): IsoWeek {
  // The Thursday of the date's week decides the ISO year.
  const thursday = toUtc(addDays(date, 4 - isoWeekday(date)));
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY_MS / 7) + 1;
  return { year, week };
}

export function weekName(w: IsoWeek): string {
  return `${w.year}-W${String(w.week).padStart(2, '0')}`;
}

export function weekNameOf(date: IsoDate): string {
  return weekName(isoWeekOf(date));
}

export function weeksInYear(year: number): number {
  return isoWeekOf(`${year}-12-28`).week;
}

/** Parses `2026-W48`; null when malformed or the week does not exist in that year. */
export function parseWeek(name: string): IsoWeek | null {
  const m = WEEK_RE.exec(name);
  if (!m) return null;
  const year = +m[1];
  const week = +m[2];
  // Years before 1000 are not 4-digit dates (and 0–99 shift to the 1900s in JS Date).
  if (year < 1000) return null;
  if (week < 1 || week > weeksInYear(year)) return null;
  return { year, week };
}

export function weekPeriodOf(date: IsoDate): Period {
  return weekPeriod(isoWeekOf(date));
}

/** The last complete ISO week before `today` (the coordinator's default report). */
export function lastCompleteWeek(today: IsoDate): IsoWeek {
  return isoWeekOf(addDays(weekPeriodOf(today).from, -1));
}

/** The `n` ISO weeks ending with `last`, oldest first. */
export function weeksEndingWith(last: IsoWeek, n: number): IsoWeek[] {
  const monday = weekPeriod(last).from;
  return Array.from({ length: n }, (_, i) => isoWeekOf(addDays(monday, -7 * (n - 1 - i))));
}

export type PeriodQuery = { week?: unknown; from?: unknown; to?: unknown };

/**
 * A tally period from `?week=2026-W48` or `?from=…&to=…` (inclusive). Errors name the parameter
 * and say what is expected, in French.
 */
export function parsePeriodQuery(q: PeriodQuery): { period: Period; name: string } | { errors: { path: string; message: string }[] } {
  if (q.week !== undefined && q.week !== '') {
    if (q.from !== undefined || q.to !== undefined) return { errors: [{ path: 'week', message: 'Donnez soit week, soit from et to, pas les deux.' }] };
    const w = typeof q.week === 'string' ? parseWeek(q.week) : null;
    if (!w) return { errors: [{ path: 'week', message: 'Semaine invalide : attendu AAAA-Wnn, par exemple 2026-W48 (une semaine qui existe).' }] };
    const maxYear = +latestPlausibleDate().slice(0, 4);
    if (w.year < +EARLIEST_DATE.slice(0, 4) || w.year > maxYear) {
      return { errors: [{ path: 'week', message: `Semaine hors de la plage acceptée : de 2000 à ${maxYear}.` }] };
    }
    return { period: weekPeriod(w), name: weekName(w) };
  }
  const errors: { path: string; message: string }[] = [];
  if (!isValidDate(q.from)) errors.push({ path: 'from', message: 'Date de début invalide : attendu AAAA-MM-JJ.' });
  if (!isValidDate(q.to)) errors.push({ path: 'to', message: 'Date de fin invalide : attendu AAAA-MM-JJ.' });
  if (errors.length) return { errors };
  for (const key of ['from', 'to'] as const) if (!isPlausibleDate(q[key])) errors.push({ path: key, message: implausibleDateMessage() });
  if (errors.length) return { errors };
  const from = q.from as IsoDate;
  const to = q.to as IsoDate;
  if (from > to) return { errors: [{ path: 'from', message: 'La date de début est après la date de fin.' }] };
  if (daysBetween(from, to) > 3660) return { errors: [{ path: 'to', message: 'Période de dix ans au plus.' }] };
  return { period: { from, to }, name: `${from}_${to}` };
}
