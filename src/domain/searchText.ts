/**
 * Free text made comparable for search (catalogue, history, relay schedules). Its own module so
 * that today's screen (permanence.ts) does not pull in the catalogue orderings of usage.ts.
 */

/** Lower case, accents removed, apostrophes and punctuation as spaces. */
export function normalizeForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
