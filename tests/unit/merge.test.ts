import { describe, expect, it } from 'vitest';
import { mergeChanges, mergeRefusal, survivorOf, type ReferencingRecord } from '../../src/domain/merge';

const DUP = 'dup';
const KEEP = 'keep';

describe('merging two people', () => {
  it('moves her visits, mandates and follow-ups to the survivor, keeping the mandate a visit used', () => {
    const records: ReferencingRecord[] = [
      { entity: 'accompaniment', id: 'a1', deleted: false, data: { beneficiaryId: DUP, mandateId: 'm1', posture: 'fait_a_la_place' } },
      { entity: 'accompaniment', id: 'a2', deleted: false, data: { beneficiaryId: 'someone-else' } },
      { entity: 'accompaniment', id: 'a3', deleted: true, data: {} },
      { entity: 'mandate', id: 'm1', deleted: false, data: { beneficiaryId: DUP, domains: ['social'] } },
      { entity: 'followup', id: 'f1', deleted: false, data: { beneficiaryId: DUP, label: 'Rappeler' } },
      { entity: 'followup', id: 'f2', deleted: false, data: { beneficiaryId: null, label: 'Affiche' } },
      { entity: 'beneficiary', id: DUP, deleted: false, data: {} },
    ];
    expect(mergeChanges(DUP, KEEP, records)).toEqual([
      { entity: 'accompaniment', id: 'a1', deleted: false, data: { beneficiaryId: KEEP, mandateId: 'm1', posture: 'fait_a_la_place' } },
      { entity: 'mandate', id: 'm1', deleted: false, data: { beneficiaryId: KEEP, domains: ['social'] } },
      { entity: 'followup', id: 'f1', deleted: false, data: { beneficiaryId: KEEP, label: 'Rappeler' } },
    ]);
    expect(records[0].data.beneficiaryId).toBe(DUP); // the input is not modified
  });

  it('refuses to merge a person into herself, a deleted person, or a person another user follows', () => {
    const side = (id: string, deleted = false, ownerId = 'u-anne') => ({ id, deleted, ownerId });
    expect(mergeRefusal(side(DUP), side(DUP))).toBe('same');
    expect(mergeRefusal(side(DUP, true), side(KEEP))).toBe('deleted');
    expect(mergeRefusal(side(DUP), side(KEEP, true))).toBe('deleted');
    expect(mergeRefusal(side(DUP), side(KEEP, false, 'u-coline'))).toBe('owners');
    expect(mergeRefusal(side(DUP, false, 'u-coline'), side(KEEP))).toBe('owners');
    expect(mergeRefusal(side(DUP), side(KEEP))).toBeNull();
  });

  it('finds the survivor of a merged id through successive merges, and stops on a cycle', () => {
    const merged = new Map([
      ['a', 'b'],
      ['b', 'c'],
      ['x', 'y'],
      ['y', 'x'],
    ]);
    expect(survivorOf(merged, 'a')).toBe('c');
    expect(survivorOf(merged, 'c')).toBe('c');
    expect(survivorOf(merged, 'never-merged')).toBe('never-merged');
    expect(['x', 'y']).toContain(survivorOf(merged, 'x'));
  });
});
