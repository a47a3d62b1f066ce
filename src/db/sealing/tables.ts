/** The Dexie tables holding personal values, sealed at rest (each has its codec in codecs.ts). */
export const SEALED_TABLE_NAMES = [
  'permanences',
  'accompaniments',
  'beneficiaries',
  'mandates',
  'followups',
  'serverCopies',
  'otherRecords',
  'outbox',
  'drafts',
  'syncIssues',
] as const;
export type SealedTable = (typeof SEALED_TABLE_NAMES)[number];
export const SEALED_TABLES: ReadonlySet<string> = new Set(SEALED_TABLE_NAMES);
