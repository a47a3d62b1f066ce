import { describe, expect, it } from 'vitest';
import { isOwnRecord, sameUserName } from '../../src/domain/ownership';

describe('whose record it is', () => {
  it('compares names as typed: accents in either encoding, case and surrounding spaces ignored', () => {
    expect(sameUserName('Hélène Roux', ' HÉLÈNE roux ')).toBe(true);
    expect(sameUserName('Hélène Roux', 'He\u0301le\u0300ne Roux')).toBe(true);
    expect(sameUserName('Hélène Roux', 'Helene Roux')).toBe(false);
  });

  it('counts records made here and not pulled back as hers, others only under her name', () => {
    expect(isOwnRecord({}, 'Claire')).toBe(true);
    expect(isOwnRecord({}, null)).toBe(true);
    expect(isOwnRecord({ createdBy: 'claire' }, 'Claire')).toBe(true);
    expect(isOwnRecord({ createdBy: 'Sophie' }, 'Claire')).toBe(false);
    expect(isOwnRecord({ createdBy: 'Sophie' }, null)).toBe(false);
  });
});
