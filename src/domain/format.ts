/**
 * French wording of dates, weeks and durations, as the UI shows them: plain string work on
 * `YYYY-MM-DD` (no time zone involved), with the French day and month names written out here.
 * (date-fns' `format` would add 4.5 KB gzipped to the first paint for the same words, and its `fr`
 * locale alone, parsing and relative wording included, 2.5 KB for these nineteen names.)
 */
import { isoWeekday, weekPeriod, type IsoWeek } from './calendar';
import type { IsoDate } from './records';

function split(date: IsoDate): { y: number; m: number; d: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { y, m, d };
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
/** From Sunday (0), as `isoWeekday() % 7`. */
const WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

const monthName = (m: number) => MONTHS[m - 1];
const weekdayName = (date: IsoDate) => WEEKDAYS[isoWeekday(date) % 7];

/** "lundi 23 novembre" (with the year when it is not `currentYear`). */
export function dayLabel(date: IsoDate, currentYear?: number): string {
  const { y, m, d } = split(date);
  const day = d === 1 ? '1er' : String(d);
  const year = currentYear !== undefined && y !== currentYear ? ` ${y}` : '';
  return `${weekdayName(date)} ${day} ${monthName(m)}${year}`;
}

/** "23/11/2026" */
export function shortDate(date: IsoDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** "Semaine 48 — du 23 au 29 novembre 2026" (months and years shown only where they differ). */
export function weekLabel(week: IsoWeek): string {
  const { from, to } = weekPeriod(week);
  const a = split(from);
  const b = split(to);
  const start = a.y !== b.y ? `${a.d} ${monthName(a.m)} ${a.y}` : a.m !== b.m ? `${a.d} ${monthName(a.m)}` : `${a.d}`;
  return `Semaine ${week.week} — du ${start} au ${b.d} ${monthName(b.m)} ${b.y}`;
}

/** 45 → "45 min", 90 → "1 h 30", 120 → "2 h". */
export function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
}

/** "09:05" → "9 h 05" */
export function clockLabel(time: string): string {
  const [h, m] = time.split(':');
  return `${Number(h)} h ${m}`;
}

/** "à l’instant", "il y a 5 min", "il y a 3 h", "il y a 2 jours" (from an ISO instant). */
export function sinceLabel(fromIso: string, now: Date = new Date()): string {
  const minutes = Math.floor((now.getTime() - new Date(fromIso).getTime()) / 60_000);
  if (minutes < 1) return 'à l’instant';
  if (minutes < 60) return `il y a ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `il y a ${hours} h`;
  const days = Math.floor(hours / 24);
  return `il y a ${days} jour${days > 1 ? 's' : ''}`;
}
