/**
 * The follow-up a visit saves when its outcome is « Doit revenir » (unless she declined it), and
 * its errors under the form's `followup` field. Commune and relay are the visit's: the open
 * permanence's when the visit is in it. Pure, for the accompaniment form's hook.
 */
import type { AccompanimentData, FollowupData, ProcedureData } from '../../domain/records';
import { validateFollowup, type FieldError } from '../../domain/validation';
import { followupFromProposal, newProposal, type FollowupProposal } from './followupModel';

export interface VisitFollowupInput {
  outcome: string | null;
  date: string;
  followup?: FollowupProposal;
}

export function visitFollowup(
  s: VisitFollowupInput,
  data: AccompanimentData,
  catalogue: readonly { data: Pick<ProcedureData, 'code' | 'label'> }[],
  relayId: string | null,
): FollowupData | null {
  if (s.outcome !== 'doit_revenir') return null;
  const proposal = s.followup ?? newProposal(s.date);
  if (!proposal.wanted) return null;
  const labels = new Map(catalogue.map((p) => [p.data.code, p.data.label]));
  return followupFromProposal(proposal, {
    beneficiaryId: data.beneficiaryId,
    procedures: data.procedures ?? [],
    labelOf: (code) => labels.get(code) ?? code,
    communeInsee: data.communeInsee ?? null,
    relayId: data.permanenceId ? relayId : null,
  });
}

/** The follow-up's errors, under `followup.…` (so the form shows them next to its fields). */
export function visitFollowupErrors(followup: FollowupData | null): FieldError[] {
  if (!followup) return [];
  return validateFollowup(followup).map((e) => ({
    ...e,
    path: `followup.${e.path}`,
    message: e.path === 'label' ? 'Dites ce qu’il faudra faire à son retour.' : e.message,
  }));
}
