/**
 * Validation of record data, shared by the PWA (messages next to the fields) and the server
 * (the `fields` of a 400 or a rejected op). Validators take unknown input and return every
 * problem found, each with the field's path and a plain French message; an empty list means valid.
 *
 * Only what api.md lists is accepted, at every level (`anonymous`, `referral`, `procedures[]`
 * items…): any other key is an error naming its path. Texts have a maximum length, arrays a
 * maximum size, dates a plausible range (dates.ts), and one record's data at most 64 KiB.
 */
import { frenchDate, implausibleDateMessage, isPlausibleDate, isValidDate, isValidTime, minutesOfDay } from './dates';
import { expiresOnFor } from './mandates';
import {
  AGE_BRACKET_LABELS,
  DOMAIN_LABELS,
  DURATION_MAX,
  DURATION_MIN,
  EQUIPMENT_LABELS,
  GENDER_LABELS,
  OUTCOME_LABELS,
  PARTNER_LABELS,
  PLACE_TYPE_LABELS,
  POSTURE_LABELS,
  QPV_COMMUNES,
  REFERRAL_LABELS,
  SOCIAL_STATUS_LABELS,
  TERRITORY_INSEE,
  isOneOf,
  type Labels,
} from './reference';
import type { Entity } from './records';

export interface FieldError {
  path: string;
  message: string;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSEE_RE = /^(\d{5}|2[AB]\d{3})$/;
const PROCEDURE_CODE_RE = /^[a-z0-9_]+$/;
export const NOTE_MAX = 1000;
export const PROCEDURES_MAX = 20;
export const PROCEDURE_CODE_MAX = 60;
/** One record's data, serialised as JSON (UTF-8). */
export const RECORD_DATA_MAX_BYTES = 64 * 1024;
export const EARLIEST_BIRTH_YEAR = 1900;
export const UNKNOWN_FIELD_MESSAGE = 'Champ non prévu : il n’est pas enregistré.';
/** Unknown keys named per object (the rest are summed up in one more entry). */
export const UNKNOWN_FIELDS_LISTED = 20;

/** `fait_a_la_place` names the mandate used; whether it fits the visit is mandates.ts's `mandateFit`. */
export const MANDATE_REQUIRED_MESSAGE =
  '« Fait à sa place » demande un mandat de la personne, valable à la date de l’accompagnement et couvrant chaque démarche : choisissez-le.';

type Obj = Record<string, unknown>;

/** Collects errors while reading an object field by field (a nested object's checker adds to its parent's list). */
class Checker {
  constructor(
    private readonly obj: Obj,
    private readonly prefix = '',
    readonly errors: FieldError[] = [],
  ) {}

  fail(field: string, message: string): void {
    this.errors.push({ path: this.prefix + field, message });
  }

  has(field: string): boolean {
    if (!(field in this.obj)) {
      this.fail(field, 'Champ manquant.');
      return false;
    }
    return true;
  }

  oneOf<K extends string>(field: string, labels: Labels<K>, message: string): K | undefined {
    if (!this.has(field)) return undefined;
    const v = this.obj[field];
    if (isOneOf(labels, v)) return v;
    this.fail(field, message);
    return undefined;
  }

  date(field: string, message: string, nullable = false): void {
    if (!this.has(field)) return;
    const v = this.obj[field];
    if (nullable && v === null) return;
    if (!isValidDate(v)) this.fail(field, message);
    else if (!isPlausibleDate(v)) this.fail(field, implausibleDateMessage());
  }

  /** The allow-list of this object: any other key is an error naming it. */
  only(fields: ReadonlySet<string>): void {
    let unknown = 0;
    for (const key in this.obj) {
      if (fields.has(key)) continue;
      // A few names are enough to fix a record; thousands would only make the answer huge.
      if (++unknown > UNKNOWN_FIELDS_LISTED) return this.fail('…', 'Autres champs non prévus.');
      this.fail(key, UNKNOWN_FIELD_MESSAGE);
    }
  }

  time(field: string, message: string, nullable = false): void {
    if (!this.has(field)) return;
    const v = this.obj[field];
    if (nullable && v === null) return;
    if (!isValidTime(v)) this.fail(field, message);
  }

  uuid(field: string, message: string, nullable = false): void {
    if (!this.has(field)) return;
    const v = this.obj[field];
    if (nullable && v === null) return;
    if (typeof v !== 'string' || !UUID_RE.test(v)) this.fail(field, message);
  }

  territoryCommune(field: string, message: string): void {
    if (!this.has(field)) return;
    const v = this.obj[field];
    if (typeof v !== 'string' || !TERRITORY_INSEE.has(v)) this.fail(field, message);
  }

  text(field: string, { max = NOTE_MAX, nullable = true, label = 'Ce champ' } = {}): void {
    if (!this.has(field)) return;
    const v = this.obj[field];
    if (v === null && nullable) return;
    if (typeof v !== 'string' || (!nullable && v.trim() === '')) {
      this.fail(field, `${label} est obligatoire.`);
    } else if (v.length > max) {
      this.fail(field, `${max} caractères au plus.`);
    }
  }

  boolean(field: string): void {
    if (!this.has(field)) return;
    if (typeof this.obj[field] !== 'boolean') this.fail(field, 'Oui ou non attendu.');
  }

  /** A person's commune of residence: any French INSEE code, or null. */
  residence(field = 'residenceInsee'): void {
    if (!this.has(field)) return;
    const r = this.obj[field];
    if (r !== null && (typeof r !== 'string' || !INSEE_RE.test(r))) this.fail(field, 'Code INSEE de commune invalide (5 caractères).');
  }

  /** The QPV flag: the territory's priority neighbourhoods are in Sète and Frontignan only. */
  qpv(field = 'qpv', residenceField = 'residenceInsee'): void {
    this.boolean(field);
    const r = this.obj[residenceField];
    if (this.obj[field] === true && typeof r === 'string' && !QPV_COMMUNES.has(r)) {
      this.fail(field, 'Les quartiers prioritaires (QPV) du territoire sont à Sète et Frontignan.');
    }
  }

  get(field: string): unknown {
    return this.obj[field];
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isProcedureCode = (v: unknown) => typeof v === 'string' && v.length <= PROCEDURE_CODE_MAX && PROCEDURE_CODE_RE.test(v);

// The allow-lists: exactly the fields api.md lists for each entity and nested object.
const PERMANENCE_FIELDS = new Set(['relayId', 'communeInsee', 'date', 'startTime', 'endTime', 'status', 'note']);
const ANONYMOUS_FIELDS = new Set(['alreadyHelped', 'residenceInsee', 'gender', 'ageBracket', 'socialStatus', 'qpv']);
const PROCEDURE_REF_FIELDS = new Set(['code', 'domain', 'partner']);
const REFERRAL_FIELDS = new Set(['target', 'note']);
const ACCOMPANIMENT_FIELDS = new Set([
  'permanenceId',
  'date',
  'communeInsee',
  'placeType',
  'durationMinutes',
  'beneficiaryId',
  'anonymous',
  'procedures',
  'posture',
  'mandateId',
  'outcome',
  'referral',
  'equipment',
  'note',
]);
const RELAY_FIELDS = new Set(['name', 'communeInsee', 'address', 'schedule', 'active']);
const PROCEDURE_FIELDS = new Set(['code', 'label', 'domain', 'partner', 'active']);
const BENEFICIARY_FIELDS = new Set([
  'firstName',
  'lastName',
  'birthYear',
  'residenceInsee',
  'phone',
  'noPhone',
  'gender',
  'socialStatus',
  'public',
  'qpv',
  'consentedOn',
  'note',
]);
const MANDATE_FIELDS = new Set(['beneficiaryId', 'signedOn', 'durationDays', 'expiresOn', 'domains', 'actions', 'paperLocation', 'revokedOn']);
const FOLLOWUP_FIELDS = new Set(['beneficiaryId', 'label', 'communeInsee', 'relayId', 'dueOn', 'doneOn', 'accompanimentId']);

export function validatePermanence(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Permanence attendue.' }];
  const c = new Checker(data);
  c.uuid('relayId', 'Choisissez un relais.');
  c.territoryCommune('communeInsee', 'Commune hors du territoire.');
  c.date('date', 'Date invalide.');
  c.time('startTime', 'Heure de début invalide (HH:MM).');
  c.time('endTime', 'Heure de fin invalide (HH:MM).', true);
  const status = c.oneOf('status', { open: '', closed: '' }, 'Statut invalide.');
  c.text('note');
  const start = data.startTime;
  const end = data.endTime;
  if (status === 'closed' && end === null) c.fail('endTime', 'Indiquez l’heure de fin.');
  if (status === 'open' && end !== null && end !== undefined) c.fail('endTime', 'Une permanence ouverte n’a pas encore d’heure de fin.');
  if (isValidTime(start) && isValidTime(end) && minutesOfDay(end) < minutesOfDay(start)) {
    c.fail('endTime', 'L’heure de fin doit suivre l’heure de début.');
  }
  c.only(PERMANENCE_FIELDS);
  return c.errors;
}

/** Adds the problems of an accompaniment's `anonymous` object to `errors`. */
function checkAnonymous(v: unknown, errors: FieldError[]): void {
  if (!isObj(v)) {
    errors.push({ path: 'anonymous', message: 'Statistiques anonymes attendues.' });
    return;
  }
  const c = new Checker(v, 'anonymous.', errors);
  c.boolean('alreadyHelped');
  c.residence();
  c.oneOf('gender', GENDER_LABELS, 'Genre invalide.');
  c.oneOf('ageBracket', AGE_BRACKET_LABELS, 'Tranche d’âge invalide.');
  c.oneOf('socialStatus', SOCIAL_STATUS_LABELS, 'Situation invalide.');
  c.qpv();
  c.only(ANONYMOUS_FIELDS);
}

/** Adds the problems of an accompaniment's `procedures` to `errors`. */
function checkProcedureRefs(v: unknown, errors: FieldError[]): void {
  if (!Array.isArray(v) || v.length === 0) {
    errors.push({ path: 'procedures', message: 'Choisissez au moins une démarche.' });
    return;
  }
  if (v.length > PROCEDURES_MAX) {
    errors.push({ path: 'procedures', message: `${PROCEDURES_MAX} démarches au plus.` });
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const p: unknown = v[i];
    if (!isObj(p)) {
      errors.push({ path: `procedures.${i}`, message: 'Démarche invalide.' });
      continue;
    }
    const c = new Checker(p, `procedures.${i}.`, errors);
    if (c.has('code') && !isProcedureCode(p.code)) c.fail('code', 'Code de démarche invalide.');
    c.oneOf('domain', DOMAIN_LABELS, 'Domaine invalide.');
    c.oneOf('partner', PARTNER_LABELS, 'Organisme invalide.');
    c.only(PROCEDURE_REF_FIELDS);
  }
}

/** Every item one of `labels`, none twice (the server validates this for each record: no closure, no Set). */
function isSetOf(labels: Labels<string>, v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    if (!isOneOf(labels, v[i])) return false;
    for (let j = 0; j < i; j++) if (v[j] === v[i]) return false;
  }
  return true;
}

export function validateAccompaniment(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Accompagnement attendu.' }];
  const c = new Checker(data);
  c.uuid('permanenceId', 'Permanence invalide.', true);
  c.date('date', 'Date invalide.');
  c.territoryCommune('communeInsee', 'Choisissez une commune du territoire.');
  c.oneOf('placeType', PLACE_TYPE_LABELS, 'Choisissez le lieu.');
  if (c.has('durationMinutes')) {
    const d = data.durationMinutes;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < DURATION_MIN || d > DURATION_MAX) {
      c.fail('durationMinutes', `Choisissez une durée entre ${DURATION_MIN} et ${DURATION_MAX} minutes.`);
    }
  }
  c.uuid('beneficiaryId', 'Personne suivie invalide.', true);
  if (c.has('anonymous')) {
    const a = data.anonymous;
    if (data.beneficiaryId != null && a !== null) {
      c.fail('anonymous', 'Une personne suivie n’a pas de statistiques anonymes.');
    } else if (data.beneficiaryId == null) {
      if (a === null) c.fail('anonymous', 'Statistiques anonymes attendues.');
      else checkAnonymous(a, c.errors);
    }
  }
  if (c.has('procedures')) checkProcedureRefs(data.procedures, c.errors);
  const posture = c.oneOf('posture', POSTURE_LABELS, 'Choisissez qui a fait la démarche.');
  c.uuid('mandateId', 'Mandat invalide.', true);
  if (posture === 'fait_a_la_place' && data.mandateId == null) c.fail('mandateId', MANDATE_REQUIRED_MESSAGE);
  const outcome = c.oneOf('outcome', OUTCOME_LABELS, 'Choisissez le résultat.');
  if (c.has('referral')) {
    const r = data.referral;
    if (outcome === 'orientee') {
      if (!isObj(r) || !isOneOf(REFERRAL_LABELS, r.target)) c.fail('referral.target', 'Indiquez vers qui la personne est orientée.');
      else if (r.note !== null && (typeof r.note !== 'string' || r.note.length > 200)) c.fail('referral.note', '200 caractères au plus.');
      if (isObj(r)) {
        const inner = new Checker(r, 'referral.');
        inner.only(REFERRAL_FIELDS);
        c.errors.push(...inner.errors);
      }
    } else if (r !== null) {
      c.fail('referral', 'Une orientation n’est indiquée que pour le résultat « Orienté vers… ».');
    }
  }
  if (c.has('equipment')) {
    if (!isSetOf(EQUIPMENT_LABELS, data.equipment)) c.fail('equipment', 'Matériel invalide.');
  }
  c.text('note');
  c.only(ACCOMPANIMENT_FIELDS);
  return c.errors;
}

export function validateRelay(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Relais attendu.' }];
  const c = new Checker(data);
  c.text('name', { max: 120, nullable: false, label: 'Le nom' });
  c.territoryCommune('communeInsee', 'Choisissez une commune du territoire.');
  c.text('address', { max: 200 });
  c.text('schedule', { max: 200 });
  c.boolean('active');
  c.only(RELAY_FIELDS);
  return c.errors;
}

export function validateProcedure(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Démarche attendue.' }];
  const c = new Checker(data);
  if (c.has('code') && !isProcedureCode(data.code)) {
    c.fail('code', `Code : lettres minuscules, chiffres et _ uniquement (${PROCEDURE_CODE_MAX} au plus).`);
  }
  c.text('label', { max: 120, nullable: false, label: 'Le libellé' });
  c.oneOf('domain', DOMAIN_LABELS, 'Domaine invalide.');
  c.oneOf('partner', PARTNER_LABELS, 'Organisme invalide.');
  c.boolean('active');
  c.only(PROCEDURE_FIELDS);
  return c.errors;
}

const PUBLIC_CODES = { insertion_employee: '', job_seeker: '', other: '' } as const;

/** A followed person (beneficiary): only what domain.md §2 lists, nothing more. */
export function validateBeneficiary(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Personne attendue.' }];
  const c = new Checker(data);
  c.text('firstName', { max: 60, nullable: false, label: 'Le prénom' });
  c.text('lastName', { max: 60, nullable: false, label: 'Le nom ou son initiale' });
  if (c.has('birthYear')) {
    const y = data.birthYear;
    const thisYear = new Date().getUTCFullYear();
    if (y !== null && (typeof y !== 'number' || !Number.isInteger(y) || y < EARLIEST_BIRTH_YEAR || y > thisYear))
      c.fail('birthYear', `Année de naissance invalide : entre ${EARLIEST_BIRTH_YEAR} et ${thisYear}.`);
  }
  c.residence();
  if (c.has('phone')) {
    const phone = data.phone;
    if (phone !== null && (typeof phone !== 'string' || !/^\+?[0-9 .-]{6,20}$/.test(phone))) c.fail('phone', 'Numéro de téléphone invalide.');
  }
  c.boolean('noPhone');
  if (data.noPhone === true && typeof data.phone === 'string') c.fail('phone', 'Pas de numéro quand « pas de téléphone » est coché.');
  c.oneOf('gender', GENDER_LABELS, 'Genre invalide.');
  c.oneOf('socialStatus', SOCIAL_STATUS_LABELS, 'Situation invalide.');
  c.oneOf('public', PUBLIC_CODES, 'Public invalide.');
  c.qpv();
  c.date('consentedOn', 'Date du consentement invalide : elle est obligatoire pour suivre une personne.');
  c.text('note');
  c.only(BENEFICIARY_FIELDS);
  return c.errors;
}

/** A consent mandate (CNIL model, Aidants Connect durations). */
export function validateMandate(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Mandat attendu.' }];
  const c = new Checker(data);
  c.uuid('beneficiaryId', 'Personne invalide.');
  c.date('signedOn', 'Date de signature invalide.');
  if (c.has('durationDays')) {
    const d = data.durationDays;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 366) c.fail('durationDays', 'Durée du mandat entre 1 et 366 jours.');
  }
  c.date('expiresOn', 'Date de fin invalide.');
  if (c.has('domains')) {
    const d = data.domains;
    const allowed = (x: unknown) => isOneOf(DOMAIN_LABELS, x) && x !== 'numerique';
    if (!Array.isArray(d) || d.length === 0 || d.some((x) => !allowed(x)) || new Set(d).size !== d.length)
      c.fail('domains', 'Choisissez les domaines couverts par le mandat.');
  }
  c.text('actions', { max: 1000, nullable: false, label: 'La liste des démarches autorisées' });
  c.text('paperLocation', { max: 200, nullable: false, label: 'Le lieu où le mandat papier est rangé' });
  c.date('revokedOn', 'Date de révocation invalide.', true);
  const { signedOn, expiresOn, revokedOn } = data;
  if (isValidDate(signedOn) && isValidDate(expiresOn) && expiresOn <= signedOn) c.fail('expiresOn', 'La fin du mandat doit suivre sa signature.');
  else if (isValidDate(signedOn) && isValidDate(expiresOn) && Number.isInteger(data.durationDays) && (data.durationDays as number) >= 1) {
    // Validity is read from expiresOn: it must say the same as the duration shown on the paper.
    const expected = expiresOnFor(signedOn, data.durationDays as number);
    if (expiresOn !== expected) c.fail('expiresOn', `La fin du mandat est sa signature plus sa durée : le ${frenchDate(expected)}.`);
  }
  if (isValidDate(signedOn) && isValidDate(revokedOn) && revokedOn < signedOn) c.fail('revokedOn', 'La révocation ne peut précéder la signature.');
  c.only(MANDATE_FIELDS);
  return c.errors;
}

/** Something to do or check at a next visit. */
export function validateFollowup(data: unknown): FieldError[] {
  if (!isObj(data)) return [{ path: 'data', message: 'Suivi attendu.' }];
  const c = new Checker(data);
  c.uuid('beneficiaryId', 'Personne invalide.', true);
  c.text('label', { max: 200, nullable: false, label: 'La description' });
  if (c.has('communeInsee') && data.communeInsee !== null && (typeof data.communeInsee !== 'string' || !TERRITORY_INSEE.has(data.communeInsee))) {
    c.fail('communeInsee', 'Choisissez une commune du territoire.');
  }
  c.uuid('relayId', 'Relais invalide.', true);
  c.date('dueOn', 'Échéance invalide.', true);
  c.date('doneOn', 'Date de réalisation invalide.', true);
  c.uuid('accompanimentId', 'Accompagnement invalide.', true);
  c.only(FOLLOWUP_FIELDS);
  return c.errors;
}

const VALIDATORS: Record<Entity, (data: unknown) => FieldError[]> = {
  permanence: validatePermanence,
  accompaniment: validateAccompaniment,
  beneficiary: validateBeneficiary,
  mandate: validateMandate,
  followup: validateFollowup,
  relay: validateRelay,
  procedure: validateProcedure,
};

/**
 * Validates the data of a record of any entity of api.md. Valid data is bounded by construction
 * (known keys only, bounded texts and arrays): far below RECORD_DATA_MAX_BYTES, never deep.
 */
export function validateRecordData(entity: Entity, data: unknown): FieldError[] {
  return VALIDATORS[entity](data);
}
