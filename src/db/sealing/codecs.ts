/**
 * How each Dexie table keeps its personal values at rest: which part of a row is sealed (AES-GCM,
 * src/crypto/cipher.ts) into the row's `enc` blob, and which part stays readable for indexes,
 * tallies and the sync (dates, codes, ids, versions). Each blob's AAD names its table and row
 * (`table|entity|id…`), so a blob copied onto another row, or into another table, does not open.
 *
 * A row holding `enc` is in stored form; an opened row never holds `enc`. A row without `enc` is
 * either clear data written before the encryption (opened as it is, sealed by the migration) or a
 * row with no personal value at all (nothing to seal).
 */
import { isSealed, openJson, sealJson, type Sealed } from '../../crypto/cipher';
import { PERSONAL_FIELDS, restorePersonal, takePersonal } from '../../domain/personalFields';
import type { Entity } from '../../domain/records';
import type { SealedTable } from './tables';

export type Row = Record<string, unknown> & { enc?: Sealed };
export type Secret = Record<string, unknown>;

export interface Codec {
  /** The additional data binding a row's blob to its place. */
  aad(row: Row): string;
  /** A clear row's stored part (personal values blanked) and its personal values (null: none). */
  split(row: Row): { stored: Row; secret: Secret | null };
  /** The clear row from its stored part and its opened personal values. */
  join(stored: Row, secret: Secret): Row;
  /** Whether the stored part of a row (without `enc`) holds a personal value (it should not). */
  holdsClear(stored: Row): boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasKeys = (v: Record<string, unknown>) => Object.keys(v).length > 0;
export const isSealedRow = (row: unknown): row is Row & { enc: Sealed } => isObject(row) && isSealed(row.enc);

function withoutEnc(row: Row): Row {
  const { enc: _enc, ...plain } = row;
  return plain;
}

/** Whether a row holds personal values in clear (the migration seals it). */
export const isClear = (codec: Codec, row: Row): boolean => !isSealedRow(row) && codec.split(row).secret !== null;

type Reuse = (aad: string, json: string) => Sealed | undefined;

/**
 * The row as stored, when no Web Crypto call is needed: already sealed, without personal values,
 * or with a blob already holding the same values (`reuse`). Undefined otherwise.
 */
export function sealRowNow(codec: Codec, row: Row, reuse: Reuse): { row: Row; json?: string } | undefined {
  if (isSealedRow(row)) {
    // A row read as stored, given a personal value and written back: its blob holds the old
    // values and the new one would be stored in clear beside it. Refused rather than written.
    if (codec.holdsClear(withoutEnc(row))) throw new Error('A row in stored form holds a personal value in clear: it is not written');
    return { row };
  }
  const { stored, secret } = codec.split(row);
  if (secret === null) return { row };
  const json = JSON.stringify(secret);
  const enc = reuse(codec.aad(row), json);
  return enc ? { row: { ...stored, enc }, json } : undefined;
}

/**
 * The row as stored: personal values sealed in `enc` (a row already sealed, or without personal
 * values, is returned as it is). `reuse` gives the blob already holding the same values, if any.
 */
export async function sealRow(codec: Codec, key: CryptoKey, row: Row, reuse: Reuse = () => undefined): Promise<{ row: Row; json?: string }> {
  const now = sealRowNow(codec, row, reuse);
  if (now) return now;
  const { stored, secret } = codec.split(row);
  const json = JSON.stringify(secret);
  return { row: { ...stored, enc: await sealJson(key, secret, codec.aad(row)) }, json };
}

/** The row with its personal values back (a row without `enc` is returned as it is). */
export async function openRow(codec: Codec, key: CryptoKey, row: Row): Promise<{ row: Row; secret?: Secret }> {
  if (!isSealedRow(row)) return { row };
  const secret = await openJson<Secret>(key, row.enc, codec.aad(row));
  return { row: codec.join(withoutEnc(row), secret), secret };
}

/**
 * Records (and server copies of records): the personal fields of `data` (PERSONAL_FIELDS) go in
 * the blob, replaced by null; everything else stays readable. An entity this version does not
 * know has its whole `data` sealed.
 */
function recordCodec(table: string, fixedEntity?: Entity): Codec {
  const entityOf = (row: Row) => (fixedEntity ?? row.entity) as string;
  const known = (entity: string): entity is Entity => Object.hasOwn(PERSONAL_FIELDS, entity);
  return {
    aad: (row) => `${table}|${entityOf(row)}|${String(row.id)}`,
    split(row) {
      const entity = entityOf(row);
      if (!isObject(row.data) || !hasKeys(row.data)) return { stored: row, secret: null };
      if (!known(entity)) return { stored: { ...row, data: {} }, secret: { '*': row.data } };
      const { rest, personal } = takePersonal(entity, row.data);
      return hasKeys(personal) ? { stored: { ...row, data: rest }, secret: personal } : { stored: row, secret: null };
    },
    join(stored, secret) {
      const entity = entityOf(stored);
      const data = '*' in secret ? secret['*'] : known(entity) && isObject(stored.data) ? restorePersonal(entity, stored.data, secret) : stored.data;
      return { ...stored, data };
    },
    holdsClear(stored) {
      return this.split(stored).secret !== null;
    },
  };
}

/** Rows whose listed fields are sealed together, each replaced by a blank value in stored form. */
function fieldsCodec(fields: readonly string[], blank: (row: Row) => Row, hasContent: (row: Row) => boolean, aad: (row: Row) => string): Codec {
  return {
    aad,
    split(row) {
      if (!hasContent(row)) return { stored: row, secret: null };
      const secret: Secret = {};
      for (const f of fields) if (f in row) secret[f] = row[f];
      return { stored: { ...row, ...blank(row) }, secret };
    },
    join: (stored, secret) => ({ ...stored, ...secret }),
    holdsClear(stored) {
      if (!hasContent(stored)) return false;
      const blanked = blank(stored);
      return fields.some((f) => f in stored && JSON.stringify(stored[f]) !== JSON.stringify(blanked[f]));
    },
  };
}

const nonEmptyData = (row: Row) => isObject(row.data) && hasKeys(row.data);
/** The codec of each table that holds personal values; tables not listed hold none. */
export const CODECS: Readonly<Record<SealedTable, Codec> & Record<string, Codec>> = {
  permanences: recordCodec('permanences', 'permanence'),
  accompaniments: recordCodec('accompaniments', 'accompaniment'),
  beneficiaries: recordCodec('beneficiaries', 'beneficiary'),
  mandates: recordCodec('mandates', 'mandate'),
  followups: recordCodec('followups', 'followup'),
  serverCopies: recordCodec('serverCopies'),
  otherRecords: fieldsCodec(
    ['data'],
    () => ({ data: {} }),
    nonEmptyData,
    (r) => `otherRecords|${String(r.entity)}|${String(r.id)}`,
  ),
  // An op's payload is sealed whole: nothing in it is needed before it is sent.
  outbox: fieldsCodec(
    ['data'],
    () => ({ data: {} }),
    nonEmptyData,
    (r) => `outbox|${String(r.entity)}|${String(r.id)}|${String(r.opId)}`,
  ),
  // A draft is whatever a form holds: sealed whole.
  drafts: fieldsCodec(
    ['value'],
    () => ({ value: null }),
    (r) => r.value !== null && r.value !== undefined,
    (r) => `drafts|${String(r.key)}`,
  ),
  // A refused change: what was sent, the server's version and the reasons (they may quote values).
  syncIssues: fieldsCodec(
    ['fields', 'current', 'sent'],
    (r) => {
      const sent = isObject(r.sent) ? r.sent : {};
      return { fields: [], current: null, sent: { baseVersion: sent.baseVersion, deleted: sent.deleted, data: {} } };
    },
    () => true,
    (r) => `syncIssues|${String(r.entity)}|${String(r.id)}|${String(r.opId)}`,
  ),
};
