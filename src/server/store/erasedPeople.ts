/**
 * Engine-neutral rules of a push against people erased at their request (README "Her rights"),
 * shared by every store's push batch: which person a pushed op names, which ids a batch must ask
 * the store about ("which of these are erased?"), and a visit naming an erased person stripped of
 * her free text before anything of it is stored (record or op-log copy), applied or in conflict;
 * and what tallies still count of her (`erased_people` rows).
 */
import { takePersonal } from '../../domain/personalFields';
import type { BeneficiaryFact } from '../../domain/tally';
import { isRefused, type IncomingOp } from '../../domain/sync';

/** The person a record's data names (`beneficiaryId`), or '' (never an erased id). */
export const personOf = (data: unknown): string => {
  const id = (data as { beneficiaryId?: unknown } | null)?.beneficiaryId;
  return typeof id === 'string' ? id : '';
};

/** The entities whose data names a person by `beneficiaryId`. */
const NAMING = new Set(['mandate', 'followup', 'accompaniment']);

/** The ids a batch asks the store about: its records' own ids and the people its live ops name. */
export function idsToCheckForErasure(ops: readonly IncomingOp[]): string[] {
  const ids = ops.flatMap((o) => (isRefused(o) ? [] : [o.id]));
  const named = ops.flatMap((o) => (!isRefused(o) && !o.deleted && NAMING.has(o.entity) ? [personOf(o.data)] : []));
  return [...new Set([...ids, ...named].filter((id) => id !== ''))];
}

/** Whether the op is refused for an erasure: a change of an erased record, or a mandate or follow-up naming an erased person. */
export function refusedForErasure(op: IncomingOp, erased: ReadonlySet<string>): boolean {
  if (isRefused(op)) return false;
  return erased.has(op.id) || (!op.deleted && (op.entity === 'mandate' || op.entity === 'followup') && erased.has(personOf(op.data)));
}

/**
 * The op, with its personal fields blanked (personalFields.ts) when it is a visit naming an
 * erased person (or an id merged into her: those are erased with her): her free text never comes
 * back onto the server, neither in the record nor in the op log's copy of a conflict.
 */
export function withoutErasedText(op: IncomingOp, erased: ReadonlySet<string>): IncomingOp {
  if (isRefused(op) || op.deleted || op.entity !== 'accompaniment' || !erased.has(personOf(op.data))) return op;
  return { ...op, data: takePersonal('accompaniment', op.data as object).rest } as IncomingOp;
}

/** A row of `erased_people`: the statistics kept of a person erased at her request. */
export interface ErasedPersonRow {
  id: string;
  birth_year: number | null;
  gender: string;
  social_status: string;
  qpv: number;
  public: string | null;
}

/** What a tally counts of an erased person (her traits, as her record had them). */
export const erasedPersonFact = (r: ErasedPersonRow): BeneficiaryFact => ({
  birthYear: r.birth_year,
  gender: r.gender as BeneficiaryFact['gender'],
  socialStatus: r.social_status as BeneficiaryFact['socialStatus'],
  qpv: r.qpv === 1,
  public: r.public,
});
