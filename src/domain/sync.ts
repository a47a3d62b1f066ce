/**
 * The sync protocol's rules (api.md "Push" and "Pull"), as pure functions shared by the server
 * (deciding each pushed op) and the device (applying the results).
 *
 * A pushed op is applied only if it is well formed, allowed for its author, valid, and based on
 * the version the server holds; otherwise it is `rejected` (with field reasons) or a `conflict`
 * (the server's record is returned, nothing is overwritten). Every status is final.
 */
import type { PushOp } from './outbox';
import { ENTITIES, REFERENCE_ENTITIES, type Entity } from './records';
import { UUID_RE, validateRecordData, type FieldError } from './validation';

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
  /** Extension (pull only): when the server first stored the record (ISO instant). */
  createdAt?: string;
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

export type Decision = { kind: 'apply'; version: number } | { kind: 'conflict' } | { kind: 'rejected'; fields: FieldError[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  if (typeof op.deleted !== 'boolean') fields.push({ path: 'deleted', message: 'deleted doit être true ou false.' });
  if (!isObj(op.data)) fields.push({ path: 'data', message: 'data doit être un objet.' });
  return { opIdValid, fields };
}

/** Decides what the server does with a well-formed op, given the record it holds (if any). */
export function decidePush(op: PushOp, head: StoredHead | undefined, actor: Actor): Decision {
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

/** Parses a pull cursor (a server sequence number as text); empty means from the beginning. */
export function parseCursor(raw: unknown): number | null {
  if (raw === undefined || raw === '') return 0;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}
