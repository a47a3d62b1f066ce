/**
 * The synced records, shaped exactly as api.md's `data` objects (every field present, null where
 * not applicable), and the envelope that carries them. Local storage and the server both keep
 * these shapes, so a local record maps onto a pushed operation one to one.
 */
import type { AgeBracket, DomainCode, Equipment, Gender, Outcome, PartnerCode, PlaceType, Posture, ReferralTarget, SocialStatus } from './reference';

export type Entity = 'permanence' | 'accompaniment' | 'beneficiary' | 'mandate' | 'followup' | 'relay' | 'procedure';

export const ENTITIES: readonly Entity[] = ['permanence', 'accompaniment', 'beneficiary', 'mandate', 'followup', 'relay', 'procedure'];

/** Reference data: written by coordinators only. */
export const REFERENCE_ENTITIES: ReadonlySet<Entity> = new Set<Entity>(['relay', 'procedure']);

/** Local calendar date `YYYY-MM-DD` (Europe/Paris). */
export type IsoDate = string;
/** Wall-clock time `HH:MM` (Europe/Paris). */
export type ClockTime = string;

export interface PermanenceData {
  relayId: string;
  communeInsee: string;
  date: IsoDate;
  startTime: ClockTime;
  endTime: ClockTime | null;
  status: 'open' | 'closed';
  note: string | null;
}

export interface AnonymousStats {
  alreadyHelped: boolean;
  residenceInsee: string | null;
  gender: Gender;
  ageBracket: AgeBracket;
  socialStatus: SocialStatus;
  qpv: boolean;
}

/** A snapshot of a catalogue entry, taken when the accompaniment is recorded. */
export interface ProcedureRef {
  code: string;
  domain: DomainCode;
  partner: PartnerCode;
}

export interface Referral {
  target: ReferralTarget;
  note: string | null;
}

export interface AccompanimentData {
  permanenceId: string | null;
  date: IsoDate;
  communeInsee: string;
  placeType: PlaceType;
  durationMinutes: number;
  beneficiaryId: string | null;
  anonymous: AnonymousStats | null;
  procedures: ProcedureRef[];
  posture: Posture;
  mandateId: string | null;
  outcome: Outcome;
  referral: Referral | null;
  equipment: Equipment[];
  note: string | null;
}

export interface RelayData {
  name: string;
  communeInsee: string;
  address: string | null;
  schedule: string | null;
  active: boolean;
}

export interface ProcedureData {
  code: string;
  label: string;
  domain: DomainCode;
  partner: PartnerCode;
  active: boolean;
}

/** A followed person (api.md "beneficiary"): only the minimal fields domain.md §2 lists. */
export interface BeneficiaryData {
  firstName: string;
  /** Last name or its initial. */
  lastName: string;
  birthYear: number | null;
  /** Any French commune (INSEE code): people come from elsewhere too. */
  residenceInsee: string | null;
  phone: string | null;
  noPhone: boolean;
  gender: Gender;
  socialStatus: SocialStatus;
  public: 'insertion_employee' | 'job_seeker' | 'other';
  qpv: boolean;
  /** The day she agreed to be followed. */
  consentedOn: IsoDate;
  note: string | null;
}

/** A consent mandate (CNIL model): lets the mediator act on the person's behalf. */
export interface MandateData {
  beneficiaryId: string;
  signedOn: IsoDate;
  durationDays: number;
  /** First day the mandate no longer applies (valid while `signedOn <= date < expiresOn`). */
  expiresOn: IsoDate;
  domains: DomainCode[];
  /** The precise actions written on the paper. */
  actions: string;
  /** Where the signed paper is kept. */
  paperLocation: string;
  revokedOn: IsoDate | null;
}

/** Something to do or check at a next visit ("À suivre"). */
export interface FollowupData {
  beneficiaryId: string | null;
  label: string;
  communeInsee: string | null;
  relayId: string | null;
  dueOn: IsoDate | null;
  doneOn: IsoDate | null;
  accompanimentId: string | null;
}

export interface DataByEntity {
  permanence: PermanenceData;
  accompaniment: AccompanimentData;
  relay: RelayData;
  procedure: ProcedureData;
  beneficiary: BeneficiaryData;
  mandate: MandateData;
  followup: FollowupData;
}

/** The envelope of api.md: `version` is the server's (0 until the server has applied it). */
export interface SyncedRecord<E extends Entity = Entity> {
  entity: E;
  id: string;
  version: number;
  deleted: boolean;
  data: DataByEntity[E];
}

export function newAnonymousStats(): AnonymousStats {
  return {
    alreadyHelped: false,
    residenceInsee: null,
    gender: 'unknown',
    ageBracket: 'unknown',
    socialStatus: 'unknown',
    qpv: false,
  };
}
