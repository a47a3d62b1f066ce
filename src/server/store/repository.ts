/**
 * The storage interface of the server, engine-neutral: it names no engine type, and every method
 * returns a Promise, so the SQLite implementation (the default) and a PostgreSQL one (for
 * deployments that outgrow one machine) fit behind the same methods. Every method that writes is
 * atomic.
 */
import type { MergeRefusal } from '../../domain/merge';
import type { Actor, ChangeRecord, Cursor, IncomingOp, PullAnswer, PushResult, Role } from '../../domain/sync';
import type { FactsAnswer, FactsQuery } from './types';

export type { FactsAnswer, FactsQuery } from './types';

export interface User {
  id: string;
  name: string;
  role: Role;
}

export interface Device {
  id: string;
  label: string;
  user: User;
  createdAt: string;
  lastSyncAt: string | null;
  revokedAt: string | null;
}

export interface Enrolment {
  role: Role;
  name: string;
  expiresAt: string;
}

export interface NewDevice {
  codeHash: string;
  now: string;
  deviceId: string;
  label: string;
  tokenHash: string;
  /** The id the user gets if the code's name is new. */
  newUserId: string;
}

/** The server's escrow key pair (JWK text); the private half never leaves the server. */
export interface EscrowKeyRow {
  keyId: string;
  publicJwk: string;
  privateJwk: string;
  createdAt: string;
}

export type RecoveryResult = 'recorded' | 'again' | 'taken';

export type EnrolResult = { status: 'enrolled'; device: Device } | { status: 'invalid_code' } | { status: 'role_mismatch'; userRole: Role };

export type MergeResult =
  | { status: 'merged'; /** The duplicate's tombstone version. */ version: number; moved: { accompaniments: number; mandates: number; followups: number } }
  | { status: 'not_found' }
  | { status: 'refused'; reason: MergeRefusal };

/** What the audit log records (README "Audit log"): ids, actions and counts, never a personal value. */
export type AuditAction = 'export' | 'merge' | 'erase' | 'revoke' | 'enrol' | 'retention' | 'recover';

export interface AuditEntry {
  /** ISO 8601 UTC instant. */
  at: string;
  actorId: string;
  /** The actor's display name (a mediator or the coordination, never a person helped). */
  actorName: string;
  action: AuditAction;
  /** The kind of record acted on (`beneficiary`, `device`, `mandate`, `enrolment`, an export's name…), or null. */
  entity: string | null;
  /** The opaque id of the record acted on, or null. */
  recordId: string | null;
  /** Numbers only (records moved, erased, anonymised…). */
  counts: Record<string, number> | null;
}

export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  /** Instants, `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  limit: number;
  /** The id of the last entry of the previous page (entries come newest first). */
  before?: number;
}

/** A stored record as the person's dossier shows it. */
export interface DossierRecord {
  entity: string;
  id: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** One op-log entry about one of her records, with the copy kept for review if any. */
export interface DossierOp {
  opId: string;
  entity: string;
  recordId: string;
  status: string;
  receivedAt: string;
  by: string;
  deviceId: string | null;
  baseVersion: number;
  version: number | null;
  deleted: boolean;
  fields: unknown;
  /** The refused or conflicting change as sent (kept for review), or null. */
  sent: unknown;
  /** The server's record answered to a conflict, or null. */
  current: unknown;
}

/** Everything the server holds about one followed person (her right of access). */
export interface Dossier {
  person: DossierRecord;
  /** Ids of the records of her merged into this one (their tombstones hold nothing). */
  mergedIds: string[];
  merges: { duplicateId: string; survivorId: string; mergedAt: string; mergedBy: string }[];
  accompaniments: DossierRecord[];
  mandates: (DossierRecord & { uses: { accompanimentId: string; date: string }[] })[];
  followups: DossierRecord[];
  opLog: DossierOp[];
}

export type DossierResult = { status: 'found'; dossier: Dossier } | { status: 'not_found' } | { status: 'erased' } | { status: 'merged'; survivorId: string };

export interface ErasureCounts {
  /** Her record and those merged into her, made tombstones. */
  people: number;
  mandates: number;
  followups: number;
  /** Her accompaniments whose free text was blanked (they stay, for the tallies). */
  accompaniments: number;
  /** Op-log entries whose copies were purged. */
  opCopies: number;
}

/** Who erases: the caller, with the name the audit log shows (the user's name when absent). */
export type ErasingActor = Actor & { deviceId: string | null; name?: string };

export type ErasureResult = { status: 'erased'; counts: ErasureCounts } | { status: 'not_found' } | { status: 'merged'; survivorId: string };

export interface RetentionCounts {
  people: number;
  mandates: number;
  accompaniments: number;
  followups: number;
  opCopies: number;
}

/** A stored record with who wrote it (for tallies and exports). */
export interface StoredRecord extends ChangeRecord {
  ownerId: string;
  createdByName: string;
  updatedAt: string;
}

export interface Repository {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;

  countUsers(): Promise<number>;
  findUserByName(name: string): Promise<User | undefined>;
  createEnrolment(e: Enrolment & { codeHash: string; createdBy: string; createdAt: string }): Promise<void>;
  /**
   * In one transaction: uses a valid, unused, unexpired code and creates the device, and its user
   * if the name is new (names compared by `nameKey`, store/names.ts). A code whose role differs
   * from the existing user's creates nothing and stays unused (it can never yield a device while
   * that user exists; it expires). Used twice at once, a code yields one device.
   */
  enrolDevice(e: NewDevice): Promise<EnrolResult>;
  findDeviceByTokenHash(tokenHash: string): Promise<Device | undefined>;
  listDevices(): Promise<Device[]>;
  revokeDevice(id: string, now: string): Promise<boolean>;
  touchDevice(id: string, now: string): Promise<void>;
  findDeviceById(id: string): Promise<Device | undefined>;

  /** The escrow key pair of this database (docs/privacy.md, Recovery), or undefined before the first. */
  escrowKey(): Promise<EscrowKeyRow | undefined>;
  /** Stores `candidate` unless a key pair exists; returns the one stored (the first writer wins). */
  saveEscrowKey(candidate: EscrowKeyRow): Promise<EscrowKeyRow>;
  /**
   * In one transaction: remembers that `oldDeviceId`'s escrow copy was recovered by `newDeviceId`
   * and revokes the old device. `again` when the same new device recovered it before (a lost
   * answer), `taken` when another device did and is not revoked: nothing changes then (once the
   * coordinator revokes that device, a recovery that never finished may be done again).
   */
  recordRecovery(r: { oldDeviceId: string; newDeviceId: string; userId: string; now: string }): Promise<RecoveryResult>;

  /**
   * Applies a batch in order, in one transaction (which also records the device's last sync);
   * every op gets a final result, refused ops included, remembered under its opId.
   */
  push(actor: Actor & { deviceId: string | null }, ops: IncomingOp[], now: string): Promise<PushResult[]>;
  /** Changes after `since` (null: from the start); `cursor_reset` when the cursor names another database or a future seq. */
  pull(actor: Actor, since: Cursor | null, limit: number): Promise<PullAnswer | 'cursor_reset'>;
  /**
   * Drops the copies of refused and conflicting changes older than 90 days (also done in a push at
   * most once an hour); returns how many ops lost their copies.
   */
  purgeExpiredCopies(now: string): Promise<number>;
  /** The random identity of this database, renewed when it is restored from a backup. */
  databaseId(): Promise<string>;
  /**
   * Merges two followed people (domain/merge.ts), in one transaction: every accompaniment, mandate
   * and follow-up of the duplicate names the survivor as a new version (a new change every device
   * pulls, logged as the actor's op), the duplicate becomes a tombstone pulled with `mergedInto`,
   * and the merge is remembered (tallies count the two ids as one person). `not_found` unless
   * both are beneficiaries; `refused` when they are the same or either is deleted.
   */
  merge(actor: Actor & { deviceId: string | null }, duplicateId: string, survivorId: string, now: string): Promise<MergeResult>;
  /** Live (not deleted) records of some entities, optionally only one owner's. */
  records(entities: string[], ownerId?: string): Promise<StoredRecord[]>;
  /** What tallies and exports count for a period (all records, or one owner's). */
  tallyFacts(q: FactsQuery): Promise<FactsAnswer>;

  // Privacy (domain.md §5; README "Privacy on the server"), on both engines.

  /** Adds an audit entry (ids and counts only). */
  addAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries between two instants, newest first, a page at a time. */
  listAudit(q: AuditQuery): Promise<{ entries: StoredAuditEntry[]; hasMore: boolean }>;
  /** Deletes audit entries older than `before` (an instant); returns how many. */
  purgeAudit(before: string): Promise<number>;
  /**
   * Everything held about a followed person: her record, the records merged into her, her
   * accompaniments, mandates (with their uses), follow-ups, merges, and the op-log entries of all
   * these records (with any kept copy). `merged` for a person merged into another (ask for the
   * survivor), `erased` once erased, `not_found` for an id that is not a person.
   */
  dossier(personId: string): Promise<DossierResult>;
  /**
   * Erases a followed person, in one transaction: she (and every id merged into her), her mandates
   * and follow-ups become tombstones (`{}`, new versions, pulled with `erased: true`; later pushes
   * of these ids are rejected); her accompaniments stay, with their free text blanked (new
   * versions when changed) and their opaque `beneficiaryId`, and her statistical traits are kept
   * without any name (`erased_people`) so tallies count the same; every op-log copy of these
   * records is purged. Running it again changes nothing (no new versions) unless a tablet sent
   * something new about her since. `merged` for a person merged away, `not_found` for an unknown id.
   * When erased, its `erase` audit entry (actor, her id, the counts) is written in the same
   * transaction: an erasure is never left unaudited, nor an audit entry without its erasure.
   */
  erase(actor: ErasingActor, personId: string, now: string): Promise<ErasureResult>;
  /**
   * The retention job (domain.md §5), its writes in one transaction (decided from a scan that
   * holds no write lock when nothing changed meanwhile): people whose last contact (latest of her
   * accompaniments' dates, consent date, mandate dates, follow-up dates, the day the server first
   * stored her) is before `cutoff` get their personal fields blanked (anonymise.ts), with their
   * accompaniments, mandates and follow-ups; mandates that ended (expired or revoked) before
   * `cutoff` likewise; op-log copies of these records are purged. Each changed record gets a new
   * version. Idempotent. Records a `retention` audit entry with the counts.
   */
  anonymiseInactive(cutoff: string, now: string): Promise<RetentionCounts>;
}
