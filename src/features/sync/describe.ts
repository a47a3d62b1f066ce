/** How a queued or refused change is named in the sync screen. */
import type { LocalRecord } from '../../db/database';
import { shortDate } from '../../domain/format';
import type { Entity } from '../../domain/records';

export const ENTITY_LABELS: Record<Entity, string> = {
  permanence: 'Permanence',
  accompaniment: 'Accompagnement',
  beneficiary: 'Personne suivie',
  mandate: 'Mandat',
  followup: 'À suivre',
  relay: 'Relais',
  procedure: 'Démarche du catalogue',
};

export function describeRecord(record: LocalRecord | undefined, procedureLabel: (code: string) => string, relayName: (id: string) => string): string {
  if (!record) return 'enregistrement supprimé de la tablette';
  const d = record.data as unknown as Record<string, unknown>;
  switch (record.entity) {
    case 'accompaniment': {
      const procedures = (d.procedures as { code: string }[] | undefined)?.map((p) => procedureLabel(p.code)).join(', ');
      return `${shortDate(d.date as string)} · ${procedures ?? ''}`;
    }
    case 'permanence':
      return `${shortDate(d.date as string)} · ${relayName(d.relayId as string)}`;
    case 'relay':
    case 'procedure':
      return String(d.name ?? d.label ?? '');
    default:
      return '';
  }
}
