/**
 * Opening and closing permanences through the one write path, keeping the rule that only one
 * permanence is open at a time.
 */
import type { ClockTime, IsoDate, PermanenceData } from '../domain/records';
import { db, type LocalRecord } from './database';
import { findOpenPermanence } from './queries';
import { newId, saveRecord, writeScope } from './writes';

export class PermanenceAlreadyOpenError extends Error {
  constructor(readonly open: LocalRecord<'permanence'>) {
    super('Une permanence est déjà ouverte : clôturez-la avant d’en ouvrir une autre.');
    this.name = 'PermanenceAlreadyOpenError';
  }
}

export function openPermanence(relay: LocalRecord<'relay'>, date: IsoDate, startTime: ClockTime): Promise<LocalRecord<'permanence'>> {
  return db.transaction('rw', writeScope(db, 'permanence'), async () => {
    const open = await findOpenPermanence();
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
    return saveRecord('permanence', newId(), data);
  });
}

export function closePermanence(permanence: LocalRecord<'permanence'>, endTime: ClockTime): Promise<LocalRecord<'permanence'>> {
  return saveRecord('permanence', permanence.id, { ...permanence.data, endTime, status: 'closed' });
}
