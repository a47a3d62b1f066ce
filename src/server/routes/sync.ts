/**
 * Push and pull (api.md): per-op results, opId idempotency, server-side cursor naming its database.
 * Every op with a valid opId gets a final result remembered by the store, including an op refused
 * for its envelope; an op without a usable opId cannot be answered, so it makes the request a 400.
 */
import type { FastifyInstance } from 'fastify';
import { checkOp, MAX_OPS_PER_PUSH, parseCursor, pullLimit, type IncomingOp } from '../../domain/sync';
import type { FieldError } from '../../domain/validation';
import type { ServerContext } from '../context';
import { ApiError, badRequest } from '../errors';

export function registerSyncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/sync/push', { schema: { body: { type: 'object', required: ['ops'], properties: { ops: { type: 'array' } } } } }, async (request) => {
    const caller = await ctx.caller(request);
    const { ops } = request.body as { ops: unknown[] };
    if (ops.length > MAX_OPS_PER_PUSH) throw new ApiError(413, 'too_many_ops', `${MAX_OPS_PER_PUSH} opérations au plus par envoi.`);

    const incoming: IncomingOp[] = [];
    const unnamed: FieldError[] = [];
    ops.forEach((raw, i) => {
      const checked = checkOp(raw);
      if ('op' in checked) incoming.push(checked.op);
      else unnamed.push(...checked.unnamed.map((f) => ({ path: `ops.${i}.${f.path}`, message: f.message })));
    });
    if (unnamed.length > 0) throw badRequest('Chaque opération doit avoir un opId (UUID).', unnamed);

    const results = await ctx.repo.push({ userId: caller.userId, role: caller.role, deviceId: caller.deviceId }, incoming, ctx.now().toISOString());
    return { results };
  });

  app.get('/api/v1/sync/pull', async (request) => {
    const caller = await ctx.caller(request);
    const query = request.query as { since?: string; limit?: string };
    const since = parseCursor(query.since);
    const limit = pullLimit(query.limit);
    const fields = [
      ...(since === null ? [{ path: 'since', message: 'Curseur invalide : reprenez celui de la réponse précédente.' }] : []),
      ...(limit === null ? [{ path: 'limit', message: 'limit doit être un entier positif.' }] : []),
    ];
    if (since === null || limit === null) throw badRequest('Paramètres de synchronisation invalides.', fields);
    const answer =
      'legacy' in since ? 'cursor_reset' : await ctx.repo.pull({ userId: caller.userId, role: caller.role }, 'cursor' in since ? since.cursor : null, limit);
    if (answer === 'cursor_reset') {
      throw new ApiError(
        409,
        'cursor_reset',
        'Ce curseur vient d’une autre base de données (restaurée ou remplacée) : reprenez la synchronisation depuis le début.',
      );
    }
    if (caller.deviceId) await ctx.repo.touchDevice(caller.deviceId, ctx.now().toISOString());
    return answer;
  });
}
