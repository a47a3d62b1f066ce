/**
 * Followed people (README "API extensions"): `POST /api/v1/beneficiaries/{id}/merge` with
 * `{"into": "<survivor id>"}` merges a possible duplicate into the person who stays (coordinator
 * only). Answers name ids and counts, never a person's data; each merge goes to the audit log.
 */
import type { FastifyInstance } from 'fastify';
import { requireCoordinator } from '../auth';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';

const DIFFERENT_OWNERS =
  'Ces deux fiches sont suivies par deux personnes différentes : chacune ne verrait plus une partie de ses visites. Fusionnez seulement deux fiches d’une même animatrice.';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export function registerPeopleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(
    '/api/v1/beneficiaries/:id/merge',
    { schema: { body: { type: 'object', required: ['into'], additionalProperties: false, properties: { into: { type: 'string', pattern: UUID } } } } },
    async (request) => {
      const caller = await ctx.caller(request);
      requireCoordinator(caller);
      const { id } = request.params as { id: string };
      const { into } = request.body as { into: string };
      const result = await ctx.repo.merge({ userId: caller.userId, role: caller.role, deviceId: caller.deviceId }, id, into, ctx.now().toISOString());
      if (result.status === 'not_found') throw new ApiError(404, 'not_found', 'Personne introuvable.');
      if (result.status === 'refused') {
        throw result.reason === 'same'
          ? new ApiError(409, 'same_person', 'On ne fusionne pas une personne avec elle-même.', [{ path: 'into', message: 'Choisissez une autre personne.' }])
          : result.reason === 'owners'
            ? new ApiError(409, 'different_owners', DIFFERENT_OWNERS, [{ path: 'into', message: DIFFERENT_OWNERS }])
            : new ApiError(409, 'deleted', 'L’une des deux personnes a été supprimée ou déjà fusionnée : synchronisez puis réessayez.');
      }
      await ctx.repo.addAudit({
        at: ctx.now().toISOString(),
        actorId: caller.userId,
        actorName: caller.name,
        action: 'merge',
        entity: 'beneficiary',
        recordId: id,
        counts: { ...result.moved },
      });
      return { id, into, version: result.version, moved: result.moved };
    },
  );
}
