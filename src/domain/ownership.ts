/**
 * Whose record is it. A coordinator's tablet pulls everyone's records; her "today", her open
 * permanence and what her recent entries suggest are hers only: records created under her name,
 * or created on this tablet and not pulled back yet (no creator known). Names are compared as
 * people type them: Unicode-normalised (NFC), trimmed, case-insensitive (French rules).
 */

export function sameUserName(a: string, b: string): boolean {
  const key = (s: string) => s.normalize('NFC').trim().toLocaleLowerCase('fr-FR');
  return key(a) === key(b);
}

/** Whether a record belongs to `owner` (null: this tablet has no enrolled user). */
export function isOwnRecord(record: { createdBy?: string }, owner: string | null): boolean {
  if (record.createdBy === undefined || record.createdBy === null) return true;
  return owner !== null && sameUserName(record.createdBy, owner);
}
