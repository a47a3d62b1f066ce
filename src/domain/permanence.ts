/**
 * Rules of permanences: which relays to offer first today, when an open permanence was forgotten,
 * and the end time to suggest when closing it.
 */
import { clockFromMinutes, isoWeekday, minutesOfDay } from './calendar';
import { normalizeForSearch } from './searchText';
import type { ClockTime, IsoDate, PermanenceData, RelayData } from './records';

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** ISO weekdays (1 = Monday) named in a relay's free-text schedule, e.g. "mardi matin, jeudi". */
export function scheduleWeekdays(schedule: string | null): number[] {
  if (!schedule) return [];
  const words = normalizeForSearch(schedule).split(' ');
  return WEEKDAYS.flatMap((day, i) => (words.includes(day) ? [i + 1] : []));
}

export interface RelayRow {
  id: string;
  data: RelayData;
}

/**
 * Active relays, the ones usually held on `date`'s weekday first (from their schedule, then from
 * her past permanences on that weekday), then by name.
 */
export function orderRelaysFor(
  date: IsoDate,
  relays: readonly RelayRow[],
  pastPermanences: readonly Pick<PermanenceData, 'relayId' | 'date'>[] = [],
): RelayRow[] {
  const weekday = isoWeekday(date);
  const habit = new Map<string, number>();
  for (const p of pastPermanences) {
    if (isoWeekday(p.date) === weekday) habit.set(p.relayId, (habit.get(p.relayId) ?? 0) + 1);
  }
  const score = (r: RelayRow) => (scheduleWeekdays(r.data.schedule).includes(weekday) ? 1000 : 0) + (habit.get(r.id) ?? 0);
  return relays.filter((r) => r.data.active).sort((a, b) => score(b) - score(a) || a.data.name.localeCompare(b.data.name, 'fr'));
}

/** An open permanence from a previous day was forgotten: it must be closed before a new one. */
export function isForgotten(p: Pick<PermanenceData, 'status' | 'date'>, today: IsoDate): boolean {
  return p.status === 'open' && p.date < today;
}

/** Usual length of a permanence when nothing better is known. */
export const USUAL_PERMANENCE_MINUTES = 180;

/**
 * End time to suggest for a permanence being closed. Today: now. A forgotten one: the later of
 * start + 3 h and the last accompaniment logged in it (+ its duration), within that day.
 */
export function suggestedEndTime(
  p: Pick<PermanenceData, 'date' | 'startTime'>,
  today: IsoDate,
  now: ClockTime,
  lastActivityEnd: ClockTime | null = null,
): ClockTime {
  const start = minutesOfDay(p.startTime);
  if (p.date === today) return clockFromMinutes(Math.max(start, minutesOfDay(now)));
  const byHabit = start + USUAL_PERMANENCE_MINUTES;
  const byActivity = lastActivityEnd ? minutesOfDay(lastActivityEnd) : 0;
  return clockFromMinutes(Math.max(byHabit, byActivity));
}
