import { describe, expect, it } from 'vitest';
import { isForgotten, orderRelaysFor, scheduleWeekdays, suggestedEndTime } from '../../src/domain/permanence';
import { SEED_RELAYS } from '../../src/domain/seed';

describe('relays offered first', () => {
  it('reads weekdays from a free-text schedule', () => {
    expect(scheduleWeekdays('Mardi matin, jeudi après-midi')).toEqual([2, 4]);
    expect(scheduleWeekdays(null)).toEqual([]);
  });

  it('puts the relays usually held on that weekday first', () => {
    // 2026-11-24 is a Tuesday: Marseillan and Frontignan are held on Tuesdays.
    const ordered = orderRelaysFor('2026-11-24', SEED_RELAYS);
    expect(
      ordered
        .slice(0, 2)
        .map((r) => r.data.communeInsee)
        .sort(),
    ).toEqual(['34108', '34150']);
    expect(ordered).toHaveLength(8);
  });

  it('learns from her past permanences on that weekday', () => {
    const gigean = SEED_RELAYS.find((r) => r.data.communeInsee === '34113')!;
    const past = [
      { relayId: gigean.id, date: '2026-11-17' },
      { relayId: gigean.id, date: '2026-11-10' },
    ];
    const ordered = orderRelaysFor('2026-11-24', SEED_RELAYS, past);
    expect(ordered.findIndex((r) => r.id === gigean.id)).toBe(2);
  });

  it('hides inactive relays', () => {
    const relays = SEED_RELAYS.map((r, i) => (i === 0 ? { ...r, data: { ...r.data, active: false } } : r));
    expect(orderRelaysFor('2026-11-24', relays)).toHaveLength(7);
  });
});

describe('closing a permanence', () => {
  it('spots a permanence left open from a previous day', () => {
    expect(isForgotten({ status: 'open', date: '2026-11-23' }, '2026-11-24')).toBe(true);
    expect(isForgotten({ status: 'open', date: '2026-11-24' }, '2026-11-24')).toBe(false);
    expect(isForgotten({ status: 'closed', date: '2026-11-23' }, '2026-11-24')).toBe(false);
  });

  it('suggests now for today, and a sensible time on its own day for a forgotten one', () => {
    expect(suggestedEndTime({ date: '2026-11-24', startTime: '09:00' }, '2026-11-24', '11:42')).toBe('11:42');
    expect(suggestedEndTime({ date: '2026-11-23', startTime: '09:00' }, '2026-11-24', '08:10')).toBe('12:00');
    expect(suggestedEndTime({ date: '2026-11-23', startTime: '09:00' }, '2026-11-24', '08:10', '12:40')).toBe('12:40');
    expect(suggestedEndTime({ date: '2026-11-23', startTime: '22:00' }, '2026-11-24', '08:10')).toBe('23:59');
  });
});
