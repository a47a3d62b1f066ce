/**
 * A person's mandates as her page shows them (merged people included), each with its uses (the
 * "Fait à sa place" visits naming it) and the ones to renew within 30 days. Read live.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './mandates.css';
import type { LocalRecord } from '../../db/database';
import { usesOfMandate } from '../../db/mandates';
import { personMandates } from '../../db/people';
import { mandatesToRenew } from '../../domain/mandates';
import type { IsoDate } from '../../domain/records';

export interface MandateWithUses {
  mandate: LocalRecord<'mandate'>;
  uses: LocalRecord<'accompaniment'>[];
}

export interface PersonMandatesView {
  /** Her first name and last name (or initial), for the print page and headings. */
  personName: string | null;
  mandates: MandateWithUses[];
  toRenew: { mandate: LocalRecord<'mandate'>; daysLeft: number }[];
}

export function usePersonMandates(personId: string, today: IsoDate): PersonMandatesView | undefined {
  return useLiveQuery(async () => {
    const page = await personMandates(personId);
    if (!page) return { personName: null, mandates: [], toRenew: [] };
    const mandates = await Promise.all(page.mandates.map(async (mandate) => ({ mandate, uses: await usesOfMandate(mandate.id) })));
    return {
      personName: `${page.person.data.firstName} ${page.person.data.lastName}`.trim(),
      mandates,
      toRenew: mandatesToRenew(page.mandates, today),
    };
  }, [personId, today]);
}
