import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/sync/scheduler';

describe('sync retry backoff', () => {
  it('doubles from 5 s with ±50 % jitter and never waits more than 5 minutes', () => {
    expect(backoffDelay(1, () => 0.5)).toBe(5000);
    expect(backoffDelay(2, () => 0.5)).toBe(10_000);
    expect(backoffDelay(3, () => 0)).toBe(10_000);
    expect(backoffDelay(3, () => 0.999)).toBeLessThanOrEqual(30_000);
    for (let attempt = 1; attempt < 30; attempt++) expect(backoffDelay(attempt, () => 0.999)).toBeLessThanOrEqual(300_000);
    expect(backoffDelay(20, () => 0)).toBe(150_000);
  });
});
