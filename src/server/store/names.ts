/**
 * How user names are stored and compared (api.md "Devices"): a name is kept as typed, but in
 * Unicode NFC and trimmed, and two names are the same user when their keys are equal: NFC, trimmed,
 * lower-cased the French way. "Hélène" typed with a combining accent or a precomposed one, in
 * capitals or not, is one user. Every engine stores `nameKey` in a unique column.
 */
export const displayName = (name: string): string => name.normalize('NFC').trim();

export const nameKey = (name: string): string => displayName(name).toLocaleLowerCase('fr-FR').normalize('NFC');
