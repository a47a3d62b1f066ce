/**
 * The calendar helpers today's screen needs (the Paris date and time of an instant, times of day,
 * weekdays, the days of an ISO week), on local dates (`YYYY-MM-DD`), Europe/Paris. Arithmetic runs
 * on UTC midnights, so neither the machine's time zone nor a daylight-saving change ever shifts a
 * date. The rest of the calendar (weeks, periods, plausible dates) is in dates.ts, which re-exports
 * these: screens loaded on demand import dates.ts, today's screen only this module.
 */
import type { ClockTime, IsoDate } from './records';

export const PARIS_TZ = 'Europe/Paris';
export const DAY_MS = 86_400_000;
export const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(instant: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parisParts.formatToParts(instant)) out[p.type] = p.value;
  return out;
}

/** The local date in Paris of an instant. */
export function parisDate(instant: Date): IsoDate {
  const p = partsOf(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The wall-clock time in Paris of an instant, `HH:MM`. */
export function parisTime(instant: Date): ClockTime {
  const p = partsOf(instant);
  return `${p.hour}:${p.minute}`;
}

export function isValidTime(value: unknown): value is ClockTime {
  return typeof value === 'string' && TIME_RE.test(value);
}

export function toUtc(date: IsoDate): Date {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
}

function fromUtc(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromUtc(new Date(toUtc(date).getTime() + days * DAY_MS));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  return ((toUtc(date).getUTCDay() + 6) % 7) + 1;
}

export interface IsoWeek {
  year: number;
  week: number;
}

export interface Period {
  from: IsoDate;
  to: IsoDate;
}

/** Monday to Sunday of an ISO week. */
export function weekPeriod(w: IsoWeek): Period {
  const jan4 = fromUtc(new Date(Date.UTC(w.year, 0, 4)));
  const monday = addDays(addDays(jan4, 1 - isoWeekday(jan4)), (w.week - 1) * 7);
  return { from: monday, to: addDays(monday, 6) };
}

/** Minutes since midnight of `HH:MM`. */
export function minutesOfDay(time: ClockTime): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

export function clockFromMinutes(minutes: number): ClockTime {
  const clamped = Math.max(0, Math.min(23 * 60 + 59, Math.round(minutes)));
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`;
}
