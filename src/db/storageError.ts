/**
 * Storage failures in plain French. A write that fails leaves the database as it was (Dexie
 * transactions are atomic) and the form keeps what was typed; the message says what to do.
 */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly reason: 'full' | 'unavailable' | 'other',
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

function namesOf(error: unknown): string[] {
  const names: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const { name, inner } = e as { name?: unknown; inner?: unknown };
    if (typeof name === 'string') names.push(name);
    e = inner;
  }
  return names;
}

export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const names = namesOf(error);
  if (names.includes('QuotaExceededError')) {
    return new StorageError(
      'La mémoire de la tablette est pleine : cet enregistrement n’a pas pu être fait. Ce qui était déjà enregistré est intact et votre saisie est gardée à l’écran. Libérez de la place (photos, vidéos, autres applications) puis réessayez.',
      'full',
    );
  }
  if (names.some((n) => ['InvalidStateError', 'DatabaseClosedError', 'MissingAPIError', 'OpenFailedError', 'UnknownError'].includes(n))) {
    return new StorageError(
      'Le stockage de la tablette ne répond pas : cet enregistrement n’a pas pu être fait. Votre saisie est gardée à l’écran. Réessayez ; si cela continue, fermez et rouvrez l’application.',
      'unavailable',
    );
  }
  return new StorageError('L’enregistrement a échoué sur la tablette. Votre saisie est gardée à l’écran : réessayez.', 'other');
}
