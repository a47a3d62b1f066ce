/**
 * API errors as api.md shapes them: `{"error": {"code", "message", "fields"?}}` with the right
 * status. Bad input never gets a 500, and no answer ever carries a stack trace or a record's data.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { FieldError } from '../domain/validation';
import { isUnavailable } from './store/postgres/pool';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    /** Seconds, for 429 answers. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fields?: FieldError[]) => new ApiError(400, 'invalid', message, fields);

/** Refuses control characters (NUL cannot even be stored by PostgreSQL) in a name, a label, an id. */
export function refuseControlCharacters(path: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw badRequest('Requête invalide.', [{ path, message: 'Caractères de contrôle interdits.' }]);
}

/** PostgreSQL refusing a character of the input (NUL in text, `\u0000` in jsonb): bad input, not a bug. */
const PG_BAD_CHARACTER = new Set(['22021', '22P05']);

function fieldsFromValidation(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as { missingProperty?: string; additionalProperty?: string };
    const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const leaf = params.missingProperty ?? params.additionalProperty;
    return { path: [base, leaf].filter(Boolean).join('.') || 'body', message: v.message ?? 'invalide' };
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.retryAfter) reply.header('Retry-After', String(error.retryAfter));
      return reply.code(error.status).send({ error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } });
    }
    if (error.validation) {
      return reply.code(400).send({ error: { code: 'invalid', message: 'Requête invalide.', fields: fieldsFromValidation(error) } });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: { code: 'too_large', message: 'Requête trop volumineuse (5 Mio au plus).' } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Malformed JSON, wrong content type, empty body…
      return reply.code(status).send({ error: { code: status === 415 ? 'unsupported_media_type' : 'invalid', message: 'Requête invalide : JSON attendu.' } });
    }
    if (PG_BAD_CHARACTER.has(error.code)) {
      // A backstop: the routes refuse such characters themselves, naming the field.
      return reply.code(400).send({ error: { code: 'invalid', message: 'Requête invalide : caractère non admis (caractère nul).' } });
    }
    if (isUnavailable(error)) {
      // The database timed out or is out of reach (pool.ts): the device tries again later.
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
      reply.header('Retry-After', '30');
      return reply.code(503).send({ error: { code: 'unavailable', message: 'Base de données momentanément indisponible : réessayez plus tard.' } });
    }
    request.log.error({ err: { message: error.message, code: error.code } }, 'internal error');
    return reply.code(500).send({ error: { code: 'internal', message: 'Erreur interne du serveur.' } });
  });
}
