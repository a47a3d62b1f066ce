/** Turning records into the flat facts that tallies and exports count. */
import type { AccompanimentFact, BeneficiaryFact, PermanenceFact } from './tally';
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
    anonymous:
      a.beneficiaryId || !s ? null : { alreadyHelped: s.alreadyHelped, gender: s.gender, ageBracket: s.ageBracket, socialStatus: s.socialStatus, qpv: s.qpv },
    procedures: a.procedures.map((p) => p.code),
    domains: a.procedures.map((p) => p.domain),
    partners: a.procedures.map((p) => p.partner),
    posture: a.posture,
    outcome: a.outcome,
    referralTarget: a.referral?.target ?? null,
    mediator,
  };
}

/** A followed person's counted traits (never a name); stored data of an older shape counts as unknown. */
export function beneficiaryFact(data: unknown): BeneficiaryFact {
  const b = (data ?? {}) as {
    birthYear?: unknown;
    gender?: BeneficiaryFact['gender'];
    socialStatus?: BeneficiaryFact['socialStatus'];
    qpv?: unknown;
    public?: string | null;
  };
  return {
    birthYear: typeof b.birthYear === 'number' ? b.birthYear : null,
    gender: b.gender ?? 'unknown',
    socialStatus: b.socialStatus ?? 'unknown',
    qpv: b.qpv === true,
    public: b.public ?? null,
  };
}

export function permanenceFact(id: string, p: PermanenceData, mediator?: string): PermanenceFact {
  return { id, date: p.date, communeInsee: p.communeInsee, relayId: p.relayId, mediator };
}

const FIELD = '\u001f';
const LIST = '|';

/**
 * Everything a tally counts about an accompaniment besides who made it, where it belongs and who
 * it was for, as one string: the server groups by it. `decodeDims` reads it back.
 */
export function encodeDims(f: AccompanimentFact): string {
  const a = f.anonymous;
  return [
    f.communeInsee,
    f.placeType,
    f.durationMinutes,
    a ? [a.alreadyHelped ? 1 : 0, a.gender, a.ageBracket, a.socialStatus, a.qpv ? 1 : 0].join(LIST) : '',
    f.procedures.join(LIST),
    f.domains.join(LIST),
    f.partners.join(LIST),
    f.posture,
    f.outcome,
    f.referralTarget ?? '',
  ].join(FIELD);
}

export function decodeDims(
  dims: string,
): Pick<
  AccompanimentFact,
  'communeInsee' | 'placeType' | 'durationMinutes' | 'anonymous' | 'procedures' | 'domains' | 'partners' | 'posture' | 'outcome' | 'referralTarget'
> {
  const [communeInsee, placeType, duration, anon, procedures, domains, partners, posture, outcome, referral] = dims.split(FIELD);
  const a = anon ? anon.split(LIST) : null;
  const list = (v: string) => (v ? v.split(LIST) : []);
  return {
    communeInsee,
    placeType,
    durationMinutes: Number(duration),
    anonymous: a
      ? ({ alreadyHelped: a[0] === '1', gender: a[1], ageBracket: a[2], socialStatus: a[3], qpv: a[4] === '1' } as AccompanimentFact['anonymous'])
      : null,
    procedures: list(procedures),
    domains: list(domains),
    partners: list(partners),
    posture,
    outcome,
    referralTarget: referral || null,
  };
}
