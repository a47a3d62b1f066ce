/**
 * Which fields of a record identify a person (domain.md §5): the tablet encrypts exactly these at
 * rest, the server blanks them when it anonymises or erases. Everything else (dates, codes, counts,
 * birth year, commune) stays readable because tallies, validation and the sync need it; the
 * privacy design note (docs/privacy.md) says why. Pure: no storage, no crypto.
 */
import type { Entity } from './records';

/** A field path inside `data`: a top-level key, or `parent.child` for one nested object. */
export type PersonalPath = string;

export const PERSONAL_FIELDS: Readonly<Record<Entity, readonly PersonalPath[]>> = {
  permanence: ['note'],
  accompaniment: ['note', 'referral.note'],
  beneficiary: ['firstName', 'lastName', 'phone', 'note'],
  mandate: ['actions', 'paperLocation'],
  followup: ['label'],
  relay: [],
  procedure: [],
};

/** The personal values of `data`, keyed by path; absent or null values are left out. */
export type PersonalValues = Record<PersonalPath, unknown>;

function readPath(data: Record<string, unknown>, path: PersonalPath): unknown {
  const [head, tail] = path.split('.', 2);
  const value = data[head];
  if (tail === undefined) return value;
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[tail] : undefined;
}

function writePath(data: Record<string, unknown>, path: PersonalPath, value: unknown): Record<string, unknown> {
  const [head, tail] = path.split('.', 2);
  if (tail === undefined) return { ...data, [head]: value };
  const parent = data[head];
  if (parent === null || typeof parent !== 'object') return data;
  return { ...data, [head]: { ...(parent as Record<string, unknown>), [tail]: value } };
}

/**
 * Splits `data` into what may stay readable (`rest`, personal fields replaced by `blank(path)`)
 * and the personal values. `restorePersonal(entity, rest, personal)` gives `data` back.
 */
export function takePersonal<T extends object>(
  entity: Entity,
  data: T,
  blank: (path: PersonalPath) => unknown = () => null,
): { rest: T; personal: PersonalValues } {
  let rest = data as unknown as Record<string, unknown>;
  const personal: PersonalValues = {};
  for (const path of PERSONAL_FIELDS[entity]) {
    const value = readPath(rest, path);
    if (value === undefined) continue;
    if (value !== null) personal[path] = value;
    rest = writePath(rest, path, blank(path));
  }
  return { rest: rest as unknown as T, personal };
}

/** Puts personal values back into data split by `takePersonal`. */
export function restorePersonal<T extends object>(entity: Entity, rest: T, personal: PersonalValues): T {
  let data = rest as unknown as Record<string, unknown>;
  for (const path of PERSONAL_FIELDS[entity]) {
    if (path in personal) data = writePath(data, path, personal[path]);
  }
  return data as unknown as T;
}

/** True when the entity has any personal field. */
export function hasPersonalFields(entity: Entity): boolean {
  return PERSONAL_FIELDS[entity].length > 0;
}
