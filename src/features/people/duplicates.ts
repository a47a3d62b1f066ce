/** Possible duplicates (domain.md §2) among the people held here, read live, with words for why. */
import { useLiveQuery } from 'dexie-react-hooks';
import type { LocalRecord } from '../../db/database';
import { allPeople } from '../../db/people';
import { sameUserName } from '../../domain/ownership';
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
  /**
   * Set when two different users follow them (the server refuses to merge them, domain/merge.ts
   * `mergeRefusal`): the words saying so, shown instead of « Fusionner ».
   */
  apart: string | null;
}

/** Words for two people followed by two different users, or null (same user, or not known yet here). */
export function followedApart(a: LocalRecord<'beneficiary'>, b: LocalRecord<'beneficiary'>): string | null {
  if (!a.createdBy || !b.createdBy || sameUserName(a.createdBy, b.createdBy)) return null;
  // In alphabetical order: the same words whichever of the two is shown first.
  const [first, second] = [a.createdBy, b.createdBy].sort((x, y) => x.localeCompare(y, 'fr'));
  return `Suivies par ${first} et par ${second} : pas de fusion possible, chacune ne verrait plus une partie de ses visites.`;
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
      .map((d) => {
        const a = byId.get(d.a)!;
        const b = byId.get(d.b)!;
        return { a, b, why: whyDuplicate(d.matches), apart: followedApart(a, b) };
      });
  }, [personId, enabled]);
}
