import { describe, expect, it } from 'vitest';
import { addDays, isoWeekOf, isValidDate, parisDate, parisTime, parseWeek, weekNameOf, weekPeriod, weeksInYear } from '../../src/domain/dates';
import { dayLabel, durationLabel, weekLabel } from '../../src/domain/format';

describe('ISO weeks', () => {
  it('names the week of a date, Monday to Sunday', () => {
    expect(weekNameOf('2026-11-23')).toBe('2026-W48');
    expect(weekNameOf('2026-11-29')).toBe('2026-W48');
    expect(weekNameOf('2026-11-30')).toBe('2026-W49');
  });

  it('knows 2026 has a week 53 that runs into January 2027', () => {
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
    expect(weekPeriod({ year: 2026, week: 53 })).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(weekNameOf('2027-01-03')).toBe('2026-W53');
    expect(weekNameOf('2027-01-04')).toBe('2027-W01');
  });

  it('puts the first days of January in the previous ISO year when needed', () => {
    expect(isoWeekOf('2021-01-01')).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf('2024-12-30')).toEqual({ year: 2025, week: 1 });
  });

  it('parses week names and refuses weeks that do not exist', () => {
    expect(parseWeek('2026-W53')).toEqual({ year: 2026, week: 53 });
    expect(parseWeek('2025-W53')).toBeNull();
    expect(parseWeek('2026-W00')).toBeNull();
    expect(parseWeek('2026-48')).toBeNull();
  });

  it('keeps a week across the autumn daylight-saving change seven days long', () => {
    // 25 October 2026: clocks go back in Paris.
    expect(weekPeriod(isoWeekOf('2026-10-25'))).toEqual({ from: '2026-10-19', to: '2026-10-25' });
    expect(addDays('2026-10-24', 1)).toBe('2026-10-25');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });
});

describe('Paris local time', () => {
  it('gives the Paris date and time of an instant, whatever the machine time zone', () => {
    // 23:30 UTC on 28 Nov is already 29 Nov in Paris (UTC+1 in winter).
    expect(parisDate(new Date('2026-11-28T23:30:00Z'))).toBe('2026-11-29');
    expect(parisTime(new Date('2026-11-28T23:30:00Z'))).toBe('00:30');
    // Summer time: UTC+2.
    expect(parisTime(new Date('2026-07-14T08:05:00Z'))).toBe('10:05');
  });

  it('validates calendar dates', () => {
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-13-01')).toBe(false);
    expect(isValidDate('29/11/2026')).toBe(false);
  });
});

describe('French labels', () => {
  it('names days, weeks and durations in French', () => {
    expect(dayLabel('2026-11-23')).toBe('lundi 23 novembre');
    expect(dayLabel('2026-12-01', 2027)).toBe('mardi 1er décembre 2026');
    expect(weekLabel({ year: 2026, week: 48 })).toBe('Semaine 48 — du 23 au 29 novembre 2026');
    expect(weekLabel({ year: 2026, week: 53 })).toBe('Semaine 53 — du 28 décembre 2026 au 3 janvier 2027');
    expect(weekLabel({ year: 2026, week: 49 })).toBe('Semaine 49 — du 30 novembre au 6 décembre 2026');
    expect(durationLabel(45)).toBe('45 min');
    expect(durationLabel(90)).toBe('1 h 30');
    expect(durationLabel(120)).toBe('2 h');
  });

  it('names every weekday and month of a year as French usage does', () => {
    // The names are written out in format.ts (no locale library): checked against the platform's own French.
    const french = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
    for (let day = '2027-01-01'; day < '2028-01-01'; day = addDays(day, 1)) {
      const expected = french.format(new Date(`${day}T12:00:00Z`)).replace(/^(\S+) 1 /, '$1 1er ');
      expect(dayLabel(day)).toBe(expected);
    }
  });
});

describe('calendar date validation', () => {
  it('agrees with the calendar on every day of four years around a leap year', () => {
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      expect(isValidDate(new Date(t).toISOString().slice(0, 10))).toBe(true);
    }
    for (const bad of ['2023-02-29', '2024-02-30', '2100-02-29', '2026-04-31', '2026-00-10', '2026-01-00', '2026-01-32'])
      expect(isValidDate(bad), bad).toBe(false);
    expect(isValidDate('2000-02-29')).toBe(true);
  });
});
