/** Turning records into the flat facts that tallies and exports count. */
import type { AccompanimentFact, PermanenceFact } from './tally';
import type { AccompanimentData, PermanenceData } from './records';

export function accompanimentFact(id: string, a: AccompanimentData, mediator: string): AccompanimentFact {
  const s = a.anonymous;
  return {
    id,
    date: a.date,
    communeInsee: a.communeInsee,
    placeType: a.placeType,
    durationMinutes: a.durationMinutes,
    permanenceId: a.permanenceId,
    beneficiaryId: a.beneficiaryId,
    anonymous: a.beneficiaryId || !s ? null : { alreadyHelped: s.alreadyHelped, gender: s.gender, ageBracket: s.ageBracket, socialStatus: s.socialStatus, qpv: s.qpv },
    procedures: a.procedures.map((p) => p.code),
    domains: a.procedures.map((p) => p.domain),
    partners: a.procedures.map((p) => p.partner),
    posture: a.posture,
    outcome: a.outcome,
    referralTarget: a.referral?.target ?? null,
    mediator,
  };
}

export function permanenceFact(id: string, p: PermanenceData, mediator?: string): PermanenceFact {
  return { id, date: p.date, communeInsee: p.communeInsee, relayId: p.relayId, mediator };
}
