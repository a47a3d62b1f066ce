import { describe, expect, it } from 'vitest';
import { planOutboxChange, shapeOp, type OutboxEntry } from '../../src/domain/outbox';
import type { SyncedRecord } from '../../src/domain/records';
import { accompaniment } from './fixtures';

const ID = '7d0c0a8e-3b1f-4f5e-8a6b-2c9d1e0f3a4b';
const NOW = '2026-11-24T09:00:00.000Z';
const record = (over: Partial<SyncedRecord<'accompaniment'>> = {}): SyncedRecord<'accompaniment'> => ({
  entity: 'accompaniment',
  id: ID,
  version: 0,
  deleted: false,
  data: accompaniment(),
  ...over,
});
const entry = (over: Partial<OutboxEntry> = {}): OutboxEntry => ({ ...shapeOp(record(), 'op-1'), seq: 1, queuedAt: NOW, sentAt: null, ...over });

describe('push operations', () => {
  it('are shaped as api.md says: opId, entity, id, baseVersion, deleted, data', () => {
    expect(shapeOp(record({ version: 3 }), 'op-9')).toEqual({
      opId: 'op-9',
      entity: 'accompaniment',
      id: ID,
      baseVersion: 3,
      deleted: false,
      data: accompaniment(),
    });
    expect(shapeOp(record({ version: 3, deleted: true }), 'op-9').data).toEqual({});
  });
});

describe('outbox planning', () => {
  it('appends the first change of a record', () => {
    const plan = planOutboxChange(record(), [], 'op-1', NOW);
    expect(plan).toEqual({ kind: 'append', entry: { ...shapeOp(record(), 'op-1'), queuedAt: NOW, sentAt: null } });
  });

  it('replaces an unsent op of the same record, with a fresh opId and the original queue time', () => {
    const edited = record({ data: accompaniment({ durationMinutes: 45 }) });
    const plan = planOutboxChange(edited, [entry()], 'op-2', '2026-11-24T09:05:00.000Z');
    expect(plan.kind).toBe('replace');
    if (plan.kind !== 'replace') return;
    expect(plan.seq).toBe(1);
    expect(plan.entry.opId).toBe('op-2');
    expect(plan.entry.data).toMatchObject({ durationMinutes: 45 });
    expect(plan.entry.queuedAt).toBe(NOW);
  });

  it('never touches an op already sent: the server may have applied it', () => {
    const plan = planOutboxChange(record({ data: accompaniment({ durationMinutes: 45 }) }), [entry({ sentAt: NOW })], 'op-2', NOW);
    expect(plan.kind).toBe('append');
  });

  it('drops a creation deleted before anything about it was sent', () => {
    expect(planOutboxChange(record({ deleted: true }), [entry()], 'op-2', NOW)).toEqual({ kind: 'drop', seq: 1 });
  });

  it('keeps a deletion when the creation was already sent', () => {
    const plan = planOutboxChange(record({ deleted: true }), [entry({ sentAt: NOW }), entry({ seq: 2, opId: 'op-2' })], 'op-3', NOW);
    expect(plan.kind).toBe('replace');
    if (plan.kind === 'replace') expect(plan.entry.deleted).toBe(true);
  });

  it('keeps a deletion of a record the server already has', () => {
    const plan = planOutboxChange(record({ version: 2, deleted: true }), [], 'op-3', NOW);
    expect(plan).toMatchObject({ kind: 'append', entry: { deleted: true, baseVersion: 2, data: {} } });
  });
});
