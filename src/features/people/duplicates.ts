/** Possible duplicates (domain.md §2) among the people held here, read live, with words for why. */
import { useLiveQuery } from 'dexie-react-hooks';
import type { LocalRecord } from '../../db/database';
import { allPeople } from '../../db/people';
import { phoneKey, possibleDuplicates, searchKey, type DuplicateCriterion } from '../../domain/people';
import type { BeneficiaryData } from '../../domain/records';

const CRITERION_WORDS: Record<DuplicateCriterion, string> = {
  lastName: 'même nom',
  firstName: 'même prénom',
  phone: 'même téléphone',
  birthYear: 'même année de naissance',
};

export const whyDuplicate = (matches: readonly DuplicateCriterion[]) => matches.map((m) => CRITERION_WORDS[m]).join(', ');

export interface DuplicatePair {
  a: LocalRecord<'beneficiary'>;
  b: LocalRecord<'beneficiary'>;
  why: string;
}

/** Whether two people share at least one criterion (a cheap first filter around one person). */
function sharesOne(a: BeneficiaryData, b: BeneficiaryData): boolean {
  const phone = phoneKey(a.phone);
  return (
    searchKey(a.lastName) === searchKey(b.lastName) ||
    searchKey(a.firstName) === searchKey(b.firstName) ||
    (phone !== null && phone === phoneKey(b.phone)) ||
    (a.birthYear !== null && a.birthYear === b.birthYear)
  );
}

/** All pairs, or only those involving `personId` (then only people sharing something with her are compared). */
export function useDuplicates(personId?: string, enabled = true): DuplicatePair[] | undefined {
  return useLiveQuery(async () => {
    if (!enabled) return undefined;
    let people = (await allPeople()).filter((p) => !p.mergedInto);
    const her = personId ? people.find((p) => p.id === personId) : undefined;
    if (personId) people = her ? people.filter((p) => p === her || sharesOne(her.data, p.data)) : [];
    const byId = new Map(people.map((p) => [p.id, p]));
    return possibleDuplicates(people)
      .filter((d) => !personId || d.a === personId || d.b === personId)
      .map((d) => ({ a: byId.get(d.a)!, b: byId.get(d.b)!, why: whyDuplicate(d.matches) }));
  }, [personId, enabled]);
}
