/** Push and pull (api.md): per-op results, opId idempotency, server-side cursor. */
import type { FastifyInstance } from 'fastify';
import type { PushOp } from '../../domain/outbox';
import { envelopeErrors, MAX_OPS_PER_PUSH, parseCursor, pullLimit, type PushResult } from '../../domain/sync';
import type { ServerContext } from '../context';
import { ApiError, badRequest } from '../errors';

export function registerSyncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/sync/push', { schema: { body: { type: 'object', required: ['ops'], properties: { ops: { type: 'array' } } } } }, async (request) => {
    const caller = await ctx.caller(request);
    const { ops } = request.body as { ops: unknown[] };
    if (ops.length > MAX_OPS_PER_PUSH) throw new ApiError(413, 'too_many_ops', `${MAX_OPS_PER_PUSH} opérations au plus par envoi.`);

    // Ops whose envelope is malformed are rejected one by one; an op without a usable opId
    // cannot be answered, so it makes the request invalid.
    const checked = ops.map((op) => envelopeErrors(op));
    const unnamed = checked.flatMap((c, i) =>
      c.opIdValid ? [] : c.fields.filter((f) => f.path === 'opId' || f.path === 'op').map((f) => ({ path: `ops.${i}.${f.path}`, message: f.message })),
    );
    if (unnamed.length > 0) throw badRequest('Chaque opération doit avoir un opId (UUID).', unnamed);

    const valid: PushOp[] = [];
    const results: (PushResult | number)[] = ops.map((op, i) => {
      const { fields } = checked[i];
      if (fields.length > 0) return { opId: (op as PushOp).opId, status: 'rejected', fields };
      valid.push(op as PushOp);
      return valid.length - 1;
    });
    const now = ctx.now().toISOString();
    const applied = await ctx.repo.push({ userId: caller.userId, role: caller.role, deviceId: caller.deviceId }, valid, now);
    return { results: results.map((r) => (typeof r === 'number' ? applied[r] : r)) };
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
    const answer = await ctx.repo.pull({ userId: caller.userId, role: caller.role }, since, limit);
    if (caller.deviceId) await ctx.repo.touchDevice(caller.deviceId, ctx.now().toISOString());
    return answer;
  });
}
