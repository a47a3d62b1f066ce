/**
 * Opening and closing permanences through the one write path, keeping the rule that only one of
 * her permanences is open at a time (another mediator's open permanence, pulled to a
 * coordinator's tablet, is not hers to close nor to count). Closing is an edit: it carries the
 * version the screen showed, so a permanence changed elsewhere meanwhile is not silently closed.
 * Undoing an edit is an edit too; visits are counted, never rewritten, when a permanence changes.
 */
import type { ClockTime, IsoDate, PermanenceData } from '../domain/records';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { findOpenPermanence, readWithoutPersonal } from './queries';
import { editBaseOf, newId, saveRecord, writeScope, type EditBase } from './writes';

export class PermanenceAlreadyOpenError extends Error {
  constructor(readonly open: LocalRecord<'permanence'>) {
    super('Une permanence est déjà ouverte : clôturez-la avant d’en ouvrir une autre.');
    this.name = 'PermanenceAlreadyOpenError';
  }
}

export function openPermanence(relay: LocalRecord<'relay'>, date: IsoDate, startTime: ClockTime, db: RelaisDB = appDb): Promise<LocalRecord<'permanence'>> {
  return db.transaction('rw', [...writeScope(db, 'permanence'), db.meta], async () => {
    const open = await findOpenPermanence(db);
    if (open) throw new PermanenceAlreadyOpenError(open);
    const data: PermanenceData = {
      relayId: relay.id,
      communeInsee: relay.data.communeInsee,
      date,
      startTime,
      endTime: null,
      status: 'open',
      note: null,
    };
    return saveRecord('permanence', newId(), data, { db, mustBeNew: true });
  });
}

/**
 * Closes the permanence as the screen showed it (`base`, by default the record given): a version
 * changed since then throws `StaleEditError` and nothing is written.
 */
export function closePermanence(
  permanence: LocalRecord<'permanence'>,
  endTime: ClockTime,
  options: { db?: RelaisDB; base?: EditBase } = {},
): Promise<LocalRecord<'permanence'>> {
  return saveRecord(
    'permanence',
    permanence.id,
    { ...permanence.data, endTime, status: 'closed' },
    {
      db: options.db ?? appDb,
      base: options.base ?? editBaseOf(permanence),
    },
  );
}

/**
 * Undoes an edit of a permanence: the previous data, saved as an edit of the version the undone
 * save produced, so a change made since (another tab, a pull) is never clobbered (`StaleEditError`).
 */
export function undoPermanenceEdit(
  previous: LocalRecord<'permanence'>,
  saved: LocalRecord<'permanence'>,
  db: RelaisDB = appDb,
): Promise<LocalRecord<'permanence'>> {
  return saveRecord('permanence', previous.id, previous.data, { db, base: editBaseOf(saved) });
}

/** How many live visits a permanence holds (they keep their `permanenceId` and their commune); read as stored, nothing opened. */
export function visitCountOf(permanenceId: string, db: RelaisDB = appDb): Promise<number> {
  return readWithoutPersonal(db, ['accompaniments'], () =>
    db.accompaniments
      .where('data.permanenceId')
      .equals(permanenceId)
      .filter((a) => !a.deleted)
      .count(),
  );
}
