/**
 * The device's database (IndexedDB through Dexie): the mediator's records, the reference data,
 * the outbox of changes waiting for the server, form drafts and small device settings.
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { OutboxEntry } from '../domain/outbox';
import type { DataByEntity, Entity, SyncedRecord } from '../domain/records';
import type { ChangeRecord } from '../domain/sync';
import type { FieldError } from '../domain/validation';
import { SEED_PROCEDURES, SEED_RELAYS } from '../domain/seed';
import { declareVersions } from './schema';
import { sealingMiddleware } from './sealing/middleware';

/** A record as stored on the device: the api.md envelope plus local timestamps (ISO instants). */
export interface LocalRecord<E extends Entity = Entity> extends SyncedRecord<E> {
  createdAt: string;
  updatedAt: string;
  /** Name of the user who created it, as the server knows it (unset for records made here and not yet pulled back). */
  createdBy?: string;
  /**
   * Local revision of the content: +1 at each change written here or installed from the server
   * (not when the server merely acknowledges one of ours). A form keeps the revision it showed;
   * saving on another one is an edit of a version the user never saw.
   */
  rev?: number;
  /** The full pull after a `cursor_reset` that has seen this record (see src/sync/resync.ts). */
  resyncSeen?: string;
  /**
   * A person merged into another (pull extension: her tombstone carries the survivor's id). Kept
   * so that a lookup of her id finds the survivor (`resolvePerson`, src/db/people.ts).
   */
  mergedInto?: string;
}

export interface Draft {
  key: string;
  value: unknown;
  savedAt: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

/** A change the server refused: `rejected` (with field reasons) or in `conflict` (with its record). */
export interface SyncIssue {
  opId: string;
  entity: Entity;
  id: string;
  kind: 'rejected' | 'conflict';
  fields: FieldError[];
  current: ChangeRecord | null;
  /** The change as it was sent (data, deleted, baseVersion). */
  sent: { baseVersion: number; deleted: boolean; data: Record<string, unknown> };
  at: string;
}

/** The latest server version of a busy record, that the pull could not install yet. */
export type ServerCopy = ChangeRecord;

/**
 * A pulled record of an entity this version does not know, kept as the server sent it (with any
 * extension field), so that a later version moves it to its own table without pulling again.
 */
export interface OtherRecord extends Omit<ChangeRecord, 'entity'> {
  entity: string;
  receivedAt: string;
}

/** The entities this device stores, with their table. */
export const TABLE_OF = {
  permanence: 'permanences',
  accompaniment: 'accompaniments',
  relay: 'relays',
  procedure: 'procedures',
  beneficiary: 'beneficiaries',
  mandate: 'mandates',
  followup: 'followups',
} as const satisfies Partial<Record<Entity, string>>;
export type StoredEntity = keyof typeof TABLE_OF;

export class RelaisDB extends Dexie {
  permanences!: EntityTable<LocalRecord<'permanence'>, 'id'>;
  accompaniments!: EntityTable<LocalRecord<'accompaniment'>, 'id'>;
  relays!: EntityTable<LocalRecord<'relay'>, 'id'>;
  procedures!: EntityTable<LocalRecord<'procedure'>, 'id'>;
  beneficiaries!: EntityTable<LocalRecord<'beneficiary'>, 'id'>;
  mandates!: EntityTable<LocalRecord<'mandate'>, 'id'>;
  followups!: EntityTable<LocalRecord<'followup'>, 'id'>;
  otherRecords!: Table<OtherRecord, [string, string]>;
  outbox!: EntityTable<OutboxEntry, 'seq'>;
  drafts!: EntityTable<Draft, 'key'>;
  meta!: EntityTable<MetaRow, 'key'>;
  syncIssues!: EntityTable<SyncIssue, 'opId'>;
  serverCopies!: Table<ServerCopy, [Entity, string]>;

  /** Called when another tab opens a newer version of the database: this tab must reload. */
  readonly onNewerVersion = new Set<() => void>();

  constructor(name = 'relais') {
    super(name);
    declareVersions(this);
    // Personal values are sealed at rest (src/db/sealing): every table is read and written through it.
    this.use(sealingMiddleware);
    this.on('versionchange', () => {
      // Dexie closes this connection so that the other tab can upgrade; say so instead of failing later.
      this.onNewerVersion.forEach((listener) => listener());
    });
    this.on('populate', (tx) => {
      const now = new Date().toISOString();
      const seed = <E extends 'relay' | 'procedure'>(entity: E, rows: readonly { id: string; data: DataByEntity[E] }[]) =>
        rows.map((r) => ({ entity, id: r.id, version: 0, deleted: false, data: r.data, createdAt: now, updatedAt: now }));
      void tx.table('relays').bulkAdd(seed('relay', SEED_RELAYS));
      void tx.table('procedures').bulkAdd(seed('procedure', SEED_PROCEDURES));
    });
  }

  tableOf<E extends StoredEntity>(entity: E): Table<LocalRecord<E>, string> {
    return this.table(TABLE_OF[entity]);
  }
}

/** Whether this device keeps records of `entity` in a table of its own (others go to `otherRecords`). */
export function isStoredEntity(entity: string): entity is StoredEntity {
  return Object.hasOwn(TABLE_OF, entity);
}

export const db = new RelaisDB();
