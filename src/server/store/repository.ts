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
}
