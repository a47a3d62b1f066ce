/**
 * Orderings learnt from the mediator's own recent entries: her frequent durations first among the
 * presets, her recently used procedures first in the catalogue, and catalogue search by typing.
 */
import { DURATION_PRESETS } from './reference';
import type { AccompanimentData, ProcedureData } from './records';
import { normalizeForSearch } from './searchText';

export { normalizeForSearch } from './searchText';

/**
 * Duration chips: her durations used at least twice in `recent`, most frequent first (ties: the
 * most recent), then the remaining presets in ascending order. At most `max` chips.
 */
export function orderDurations(recent: readonly Pick<AccompanimentData, 'durationMinutes'>[], max = 8): number[] {
  const count = new Map<number, number>();
  const lastSeen = new Map<number, number>();
  recent.forEach((a, i) => {
    count.set(a.durationMinutes, (count.get(a.durationMinutes) ?? 0) + 1);
    if (!lastSeen.has(a.durationMinutes)) lastSeen.set(a.durationMinutes, i);
  });
  const frequent = [...count.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || lastSeen.get(a[0])! - lastSeen.get(b[0])!)
    .map(([d]) => d);
  const rest = DURATION_PRESETS.filter((d) => !frequent.includes(d));
  return [...frequent, ...rest].slice(0, max);
}

/** Procedure codes by recency of use in `recent` (newest entry first), each once. */
export function recentProcedureCodes(recent: readonly Pick<AccompanimentData, 'procedures'>[], max = 6): string[] {
  const codes: string[] = [];
  for (const a of recent) {
    for (const p of a.procedures) {
      if (!codes.includes(p.code)) codes.push(p.code);
      if (codes.length === max) return codes;
    }
  }
  return codes;
}

export interface CatalogueEntry extends ProcedureData {
  id: string;
}

/**
 * Active catalogue entries matching every word typed (on label, code, domain or partner words),
 * recently used first, then alphabetical.
 */
export function searchCatalogue(
  catalogue: readonly CatalogueEntry[],
  query: string,
  recentCodes: readonly string[],
  extraWords: (p: CatalogueEntry) => string = () => '',
): CatalogueEntry[] {
  const words = normalizeForSearch(query).split(' ').filter(Boolean);
  const rank = (code: string) => {
    const i = recentCodes.indexOf(code);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return catalogue
    .filter((p) => p.active)
    .filter((p) => {
      if (words.length === 0) return true;
      const hay = normalizeForSearch(`${p.label} ${p.code.replace(/_/g, ' ')} ${extraWords(p)}`);
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => rank(a.code) - rank(b.code) || a.label.localeCompare(b.label, 'fr'));
}
