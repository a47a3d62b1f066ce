/**
 * The storage interface of the server. The SQLite implementation is the default; a PostgreSQL one
 * can follow for deployments that outgrow one machine, behind the same methods. Every method that
 * writes is atomic.
 */
import type { PushOp } from '../../domain/outbox';
import type { Actor, ChangeRecord, PullAnswer, PushResult, Role } from '../../domain/sync';
import type { FactsAnswer, FactsQuery } from './sqlite/tallyFacts';

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

/** A stored record with who wrote it (for tallies and exports). */
export interface StoredRecord extends ChangeRecord {
  ownerId: string;
  createdByName: string;
  updatedAt: string;
}

export interface Repository {
  readonly kind: 'sqlite' | 'postgres';
  close(): void;

  countUsers(): number;
  findUserByName(name: string): User | undefined;
  createEnrolment(e: Enrolment & { codeHash: string; createdBy: string; createdAt: string }): void;
  /** Marks a valid, unused, unexpired code as used and returns it; undefined otherwise. Atomic. */
  consumeEnrolment(codeHash: string, now: string): Enrolment | undefined;
  /** Creates the device (and its user if the name is new: names are unique, case-insensitively). */
  createDevice(d: { id: string; label: string; tokenHash: string; enrolment: Enrolment; createdAt: string; newUserId: string }): Device;
  findDeviceByTokenHash(tokenHash: string): Device | undefined;
  listDevices(): Device[];
  revokeDevice(id: string, now: string): boolean;
  touchDevice(id: string, now: string): void;

  /** Applies a batch in order, in one transaction (which also records the device's last sync); every op gets a final result. */
  push(actor: Actor & { deviceId: string | null }, ops: PushOp[], now: string): PushResult[];
  pull(actor: Actor, since: number, limit: number): PullAnswer;
  /** Live (not deleted) records of some entities, optionally only one owner's. */
  records(entities: string[], ownerId?: string): StoredRecord[];
  /** What tallies and exports count for a period (all records, or one owner's). */
  tallyFacts(q: FactsQuery): FactsAnswer;
}
