/**
 * The sync protocol's rules (api.md "Push" and "Pull"), as pure functions shared by the server
 * (deciding each pushed op) and the device (applying the results).
 *
 * A pushed op is applied only if it is well formed, allowed for its author, valid, and based on
 * the version the server holds; otherwise it is `rejected` (with field reasons) or a `conflict`
 * (the server's record is returned, nothing is overwritten). Every status is final.
 */
import { mandateFit, revocationProblem } from './mandates';
import type { PushOp } from './outbox';
import { ENTITIES, REFERENCE_ENTITIES, type AccompanimentData, type Entity, type MandateData } from './records';
import { RECORD_DATA_MAX_BYTES, UUID_RE, validateRecordData, type FieldError } from './validation';

export type Role = 'mediator' | 'coordinator';
export const MAX_OPS_PER_PUSH = 500;
export const MAX_PUSH_BYTES = 5 * 1024 * 1024;
export const PULL_DEFAULT_LIMIT = 500;
export const PULL_MAX_LIMIT = 1000;
/** A pull page stops before the change that would take it past this size (always one change at least). */
export const PULL_MAX_BYTES = 2 * 1024 * 1024;

export type PushStatus = 'applied' | 'duplicate' | 'conflict' | 'rejected';

export interface ChangeRecord {
  entity: Entity;
  id: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown>;
  /** Extension (pull only): name of the user who created the record. */
  createdBy?: string;
  /** Extension (pull only): when the server first stored the record (ISO 8601 UTC). */
  createdAt?: string;
  /** Extension (pull only, restored database): this version comes from the backup, not written since the restore. */
  fromBackup?: boolean;
  /** Extension (pull only): on the tombstone of a merged person, the id of the person she was merged into. */
  mergedInto?: string;
  /** Extension (pull only): on a tombstone, the record was erased at the person's request: keep nothing of it. */
  erased?: boolean;
}

/**
 * An op refused for its envelope (bad entity, id, baseVersion, deleted or data) but with a valid
 * opId: it is claimed like any op, with its rejected result, so the same opId sent again (even
 * fixed) gets the same answer. `entity` and `id` hold the sent values when they are valid, else ''
 * (`baseVersion` -1), so nothing garbage is stored.
 */
export interface RefusedOp {
  opId: string;
  refused: FieldError[];
  entity: string;
  id: string;
  baseVersion: number;
  deleted: boolean;
}

/** What the store receives for each op of a push, in order. */
export type IncomingOp = PushOp | RefusedOp;
export const isRefused = (op: IncomingOp): op is RefusedOp => 'refused' in op;

/**
 * Deepest nesting of a refused change whose copy is kept for review (valid data has 3 levels).
 * Data nested deeper, or larger than 64 KiB, is always refused by validation (only known keys
 * with bounded values are accepted), and its copy is not kept: it is never serialised.
 */
export const MAX_DATA_DEPTH = 8;

/** The JSON of a refused change's data to keep for review, or null when too deep or too large to keep. */
export function reviewCopy(data: unknown): string | null {
  if (jsonShape(data, MAX_DATA_DEPTH, RECORD_DATA_MAX_BYTES) !== null) return null;
  const text = JSON.stringify(data);
  return text.length <= RECORD_DATA_MAX_BYTES ? text : null;
}

export interface PushResult {
  opId: string;
  status: PushStatus;
  version?: number;
  fields?: FieldError[];
  current?: ChangeRecord | null;
}

export interface PullAnswer {
  changes: ChangeRecord[];
  cursor: string;
  hasMore: boolean;
}

export interface Actor {
  userId: string;
  role: Role;
}

/** What the server knows of a stored record when deciding an op. */
export interface StoredHead {
  entity: Entity;
  version: number;
  ownerId: string;
}

/** What the rules of an op need of other records: the server looks them up once per batch. */
export interface PushRefs {
  /**
   * The mandate a `fait_a_la_place` accompaniment names, as the server holds it at this point of
   * the batch; undefined when it holds none, it is deleted, or the author may not use it (a
   * mediator uses only her own mandates).
   */
  mandate?: MandateData;
  /** The person a merged id now stands for (the id itself when never merged). */
  survivorOf?: (id: string) => string;
  /**
   * For a mandate op: the latest date of a « Fait à sa place » visit held that uses it (null: none).
   * A revocation dated on or before it is refused (mandates.ts `earliestRevocation`).
   */
  lastUseOn?: string | null;
}

export type Decision = { kind: 'apply'; version: number } | { kind: 'conflict' } | { kind: 'rejected'; fields: FieldError[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The largest version a record can have (PostgreSQL `integer`): no device ever gets near it. */
export const MAX_VERSION = 2 ** 31 - 1;

/** Checks an op's envelope; `opId` problems make the whole request invalid (no result can name it). */
export function envelopeErrors(op: unknown): { opIdValid: boolean; fields: FieldError[] } {
  if (!isObj(op)) return { opIdValid: false, fields: [{ path: 'op', message: 'Opération attendue (objet).' }] };
  const fields: FieldError[] = [];
  const opIdValid = typeof op.opId === 'string' && UUID_RE.test(op.opId);
  if (!opIdValid) fields.push({ path: 'opId', message: 'opId doit être un UUID.' });
  if (typeof op.entity !== 'string' || !ENTITIES.includes(op.entity as Entity))
    fields.push({ path: 'entity', message: `entity doit être l’un de : ${ENTITIES.join(', ')}.` });
  if (typeof op.id !== 'string' || !UUID_RE.test(op.id)) fields.push({ path: 'id', message: 'id doit être un UUID.' });
  if (typeof op.baseVersion !== 'number' || !Number.isSafeInteger(op.baseVersion) || op.baseVersion < 0)
    fields.push({ path: 'baseVersion', message: 'baseVersion doit être un entier positif ou nul.' });
  // Versions are 32-bit integers in both stores: a larger one is refused, never a 500.
  else if (op.baseVersion > MAX_VERSION) fields.push({ path: 'baseVersion', message: `baseVersion doit être au plus ${MAX_VERSION}.` });
  if (typeof op.deleted !== 'boolean') fields.push({ path: 'deleted', message: 'deleted doit être true ou false.' });
  if (!isObj(op.data)) fields.push({ path: 'data', message: 'data doit être un objet.' });
  return { opIdValid, fields };
}

/**
 * Shapes one pushed op for the store: a well-formed op (a tombstone's data replaced by `{}`), a
 * refused op (valid opId, bad envelope), or `unnamed` problems when no result can name the op.
 */
export function checkOp(raw: unknown): { op: IncomingOp } | { unnamed: FieldError[] } {
  const { opIdValid, fields } = envelopeErrors(raw);
  if (!opIdValid) return { unnamed: fields.filter((f) => f.path === 'opId' || f.path === 'op') };
  const o = raw as Record<string, unknown>;
  if (fields.length > 0) {
    const bad = new Set(fields.map((f) => f.path));
    return {
      op: {
        opId: o.opId as string,
        refused: fields,
        entity: bad.has('entity') ? '' : (o.entity as string),
        id: bad.has('id') ? '' : (o.id as string),
        baseVersion: bad.has('baseVersion') ? -1 : (o.baseVersion as number),
        deleted: o.deleted === true,
      },
    };
  }
  const op = o as unknown as PushOp;
  const shaped: PushOp = { opId: op.opId, entity: op.entity, id: op.id, baseVersion: op.baseVersion, deleted: op.deleted, data: op.deleted ? {} : op.data };
  return { op: shaped };
}

/**
 * Walks a parsed JSON value without recursion: 'deep' when nested deeper than `maxDepth`, 'large'
 * when its serialisation would pass about `maxBytes`, null otherwise. Stops at the first excess.
 */
export function jsonShape(value: unknown, maxDepth: number, maxBytes: number): 'deep' | 'large' | null {
  const stack: [unknown, number][] = [[value, 1]];
  let bytes = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v === 'string') bytes += v.length + 2;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else {
      if (depth > maxDepth) return 'deep';
      bytes += 2;
      if (Array.isArray(v)) for (const item of v) stack.push([item, depth + 1]);
      else
        for (const key of Object.keys(v)) {
          bytes += key.length + 4;
          stack.push([(v as Record<string, unknown>)[key], depth + 1]);
        }
    }
    if (bytes > maxBytes) return 'large';
  }
  return null;
}

/**
 * api.md's `fait_a_la_place` rule: the named mandate is held, of the visit's person, valid on its
 * date and covers each procedure's domain (mandates.ts). People are compared after merges, so a
 * visit still naming a merged person fits her survivor's mandates. The message is plain French.
 */
export function mandateErrors(data: AccompanimentData, refs: PushRefs): FieldError[] {
  if (data.posture !== 'fait_a_la_place') return [];
  const same = refs.survivorOf ?? ((id: string) => id);
  const m = refs.mandate;
  const fit = mandateFit(m && { ...m, beneficiaryId: same(m.beneficiaryId) }, {
    beneficiaryId: data.beneficiaryId === null ? null : same(data.beneficiaryId),
    date: data.date,
    domains: data.procedures.map((p) => p.domain),
  });
  return fit.ok ? [] : [{ path: 'mandateId', message: `Ce mandat ne peut pas servir : ${fit.message}.` }];
}

/**
 * Decides what the server does with a well-formed op, given the record it holds (if any) and
 * what its rules need of other records (`refs`: the mandate a `fait_a_la_place` visit names).
 */
export function decidePush(op: PushOp, head: StoredHead | undefined, actor: Actor, refs: PushRefs = {}): Decision {
  if (REFERENCE_ENTITIES.has(op.entity) && actor.role !== 'coordinator') {
    return { kind: 'rejected', fields: [{ path: 'entity', message: 'Seule la coordination modifie les relais et le catalogue des démarches.' }] };
  }
  if (head && head.entity !== op.entity) {
    return { kind: 'rejected', fields: [{ path: 'entity', message: `Cet identifiant désigne déjà un enregistrement de type ${head.entity}.` }] };
  }
  if (head && actor.role !== 'coordinator' && head.ownerId !== actor.userId) {
    return { kind: 'rejected', fields: [{ path: 'id', message: 'Cet enregistrement appartient à une autre personne.' }] };
  }
  if (!op.deleted) {
    const fields = validateRecordData(op.entity, op.data);
    if (fields.length > 0) return { kind: 'rejected', fields };
    if (op.entity === 'accompaniment') {
      const misfit = mandateErrors(op.data as unknown as AccompanimentData, refs);
      if (misfit.length > 0) return { kind: 'rejected', fields: misfit };
    }
    if (op.entity === 'mandate') {
      const mandate = op.data as unknown as MandateData;
      const problem = mandate.revokedOn === null ? null : revocationProblem(mandate, mandate.revokedOn, refs.lastUseOn ? [refs.lastUseOn] : []);
      if (problem) return { kind: 'rejected', fields: [{ path: 'revokedOn', message: problem }] };
    }
  }
  const current = head?.version ?? 0;
  if (op.baseVersion !== current) return { kind: 'conflict' };
  return { kind: 'apply', version: current + 1 };
}

/** Parses `limit` of a pull: default 500, capped at 1000; null when not a positive integer. */
export function pullLimit(raw: unknown): number | null {
  if (raw === undefined || raw === '') return PULL_DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) return null;
  return Math.min(n, PULL_MAX_LIMIT);
}

/**
 * A pull cursor names the database it came from: `<dbId>.<seq>`, with `dbId` the random identity
 * the database got when it was created (or restored from a backup) and `seq` the server sequence.
 * Devices treat it as an opaque string.
 */
export interface Cursor {
  dbId: string;
  seq: number;
}

export const formatCursor = (c: Cursor) => `${c.dbId}.${c.seq}`;

/**
 * Parses `since`: empty means from the beginning (`start`); a bare number is a cursor of a server
 * before database identities (`legacy`: the device must start again); null when malformed.
 */
export function parseCursor(raw: unknown): { start: true } | { legacy: true } | { cursor: Cursor } | null {
  if (raw === undefined || raw === '') return { start: true };
  if (typeof raw !== 'string') return null;
  if (/^\d{1,15}$/.test(raw)) return { legacy: true };
  const m = /^([0-9a-f]{16})\.(\d{1,15})$/.exec(raw);
  return m ? { cursor: { dbId: m[1], seq: Number(m[2]) } } : null;
}
