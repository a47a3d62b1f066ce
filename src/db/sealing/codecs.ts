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

export type Row = Record<string, unknown> & { enc?: Sealed };

export interface Codec {
  /** Whether a row holds personal values in clear (the migration seals it). */
  isClear(row: Row): boolean;
  /** The row as stored: personal values in `enc`. A row already sealed is returned as it is. */
  seal(key: CryptoKey, row: Row): Promise<Row>;
  /** The row with its personal values back (a row without `enc` is returned as it is). */
  open(key: CryptoKey, row: Row): Promise<Row>;
  /** The additional data binding a row's blob to its place. */
  aad(row: Row): string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasKeys = (v: Record<string, unknown>) => Object.keys(v).length > 0;
export const isSealedRow = (row: unknown): boolean => isObject(row) && isSealed(row.enc);

function withoutEnc(row: Row): Row {
  const { enc: _enc, ...plain } = row;
  return plain;
}

/**
 * Records (and server copies of records): the personal fields of `data` (PERSONAL_FIELDS) go in
 * the blob, replaced by null; everything else stays readable. An entity this version does not
 * know has its whole `data` sealed.
 */
function recordCodec(table: string, fixedEntity?: Entity): Codec {
  const entityOf = (row: Row) => (fixedEntity ?? row.entity) as string;
  const known = (entity: string): entity is Entity => Object.hasOwn(PERSONAL_FIELDS, entity);
  const split = (row: Row): { rest: unknown; personal: Record<string, unknown> } => {
    const entity = entityOf(row);
    if (!isObject(row.data)) return { rest: row.data, personal: {} };
    if (!known(entity)) return { rest: {}, personal: hasKeys(row.data) ? { '*': row.data } : {} };
    return takePersonal(entity, row.data);
  };
  const codec: Codec = {
    aad: (row) => `${table}|${entityOf(row)}|${String(row.id)}`,
    isClear: (row) => !isSealedRow(row) && hasKeys(split(row).personal),
    async seal(key, row) {
      if (isSealedRow(row)) return row;
      const { rest, personal } = split(row);
      if (!hasKeys(personal)) return row;
      return { ...row, data: rest, enc: await sealJson(key, personal, codec.aad(row)) };
    },
    async open(key, row) {
      if (!isSealedRow(row)) return row;
      const personal = await openJson<Record<string, unknown>>(key, row.enc!, codec.aad(row));
      const entity = entityOf(row);
      const data = '*' in personal ? personal['*'] : known(entity) && isObject(row.data) ? restorePersonal(entity, row.data, personal) : row.data;
      return { ...withoutEnc(row), data };
    },
  };
  return codec;
}

/** Rows whose listed fields are sealed together, each replaced by a blank value in stored form. */
function fieldsCodec(fields: readonly string[], blank: (row: Row) => Row, hasContent: (row: Row) => boolean, aad: (row: Row) => string): Codec {
  return {
    aad,
    isClear: (row) => !isSealedRow(row) && hasContent(row),
    async seal(key, row) {
      if (isSealedRow(row) || !hasContent(row)) return row;
      const taken: Record<string, unknown> = {};
      for (const f of fields) if (f in row) taken[f] = row[f];
      return { ...row, ...blank(row), enc: await sealJson(key, taken, aad(row)) };
    },
    async open(key, row) {
      if (!isSealedRow(row)) return row;
      const taken = await openJson<Record<string, unknown>>(key, row.enc!, aad(row));
      return { ...withoutEnc(row), ...taken };
    },
  };
}

const nonEmptyData = (row: Row) => isObject(row.data) && hasKeys(row.data);

/** The codec of each table that holds personal values; tables not listed hold none. */
export const CODECS: Readonly<Record<string, Codec>> = {
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

export const SEALED_TABLES = Object.keys(CODECS);
