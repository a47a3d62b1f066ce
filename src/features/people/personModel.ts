/**
 * The person form's state (what is typed) and its mapping to and from the record's data
 * (domain.md §2's minimal fields only). Validation is the shared `validateBeneficiary`.
 */
import type { BeneficiaryData, IsoDate } from '../../domain/records';
import type { Gender, SocialStatus } from '../../domain/reference';
import type { FieldError } from '../../domain/validation';

export interface PersonState {
  firstName: string;
  lastName: string;
  birthYear: string;
  residenceInsee: string | null;
  phone: string;
  noPhone: boolean;
  qpv: boolean;
  public: BeneficiaryData['public'];
  gender: Gender;
  socialStatus: SocialStatus;
  consentedOn: IsoDate;
  note: string;
}

export function newPersonState(today: IsoDate): PersonState {
  return {
    firstName: '',
    lastName: '',
    birthYear: '',
    residenceInsee: null,
    phone: '',
    noPhone: false,
    qpv: false,
    public: 'other',
    gender: 'unknown',
    socialStatus: 'unknown',
    consentedOn: today,
    note: '',
  };
}

export function personStateOf(d: BeneficiaryData): PersonState {
  return { ...d, birthYear: d.birthYear === null ? '' : String(d.birthYear), phone: d.phone ?? '', note: d.note ?? '' };
}

export function personDataOf(s: PersonState): BeneficiaryData {
  const year = s.birthYear.trim();
  const phone = s.phone.trim();
  const note = s.note.trim();
  return {
    firstName: s.firstName.trim(),
    lastName: s.lastName.trim(),
    birthYear: year === '' ? null : Number(year),
    residenceInsee: s.residenceInsee,
    phone: s.noPhone || phone === '' ? null : phone,
    noPhone: s.noPhone,
    gender: s.gender,
    socialStatus: s.socialStatus,
    public: s.public,
    qpv: s.qpv,
    consentedOn: s.consentedOn,
    note: note === '' ? null : note,
  };
}

/** Fields in screen order: the first one with an error gets the focus. */
export const PERSON_FIELDS = [
  'firstName',
  'lastName',
  'birthYear',
  'residenceInsee',
  'phone',
  'qpv',
  'public',
  'gender',
  'socialStatus',
  'consentedOn',
  'note',
] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

export function personErrors(errors: readonly FieldError[]): Partial<Record<PersonField, string>> {
  const out: Partial<Record<PersonField, string>> = {};
  for (const e of errors) {
    const head = e.path.split('.')[0];
    const key: PersonField = (PERSON_FIELDS as readonly string[]).includes(head) ? (head as PersonField) : head === 'noPhone' ? 'phone' : 'note';
    out[key] ??= e.message;
  }
  return out;
}

export const firstPersonError = (errors: Partial<Record<PersonField, string>>) => PERSON_FIELDS.find((k) => errors[k]);
