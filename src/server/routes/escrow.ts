/**
 * Escrow recovery (docs/privacy.md, Recovery; README, API extensions). A tablet blocked after ten
 * wrong codes with changes waiting is enrolled again with a code made for the same user; with its
 * new device token it sends the escrow copy of its data key, made for its previous device. The
 * server unwraps it only if that previous device belonged to the caller's user (the copy's OAEP
 * label names the device and the user: a copy claimed for another device does not open), once per
 * previous device (the same new device may ask again after a lost answer), revokes the previous
 * device, writes `recover` to the audit log (where the store has one) and answers the raw key.
 * Nothing of the key or the copy is ever logged.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { ApiError, refuseControlCharacters } from '../errors';

const B64URL = '^[A-Za-z0-9_-]+$';

export function registerEscrowRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/devices/escrow-key', async (request) => {
    const caller = await ctx.caller(request);
    if (!caller.deviceId) throw new ApiError(403, 'forbidden', 'Réservé aux tablettes inscrites.');
    return { ...(await ctx.escrow.publicKey()), deviceId: caller.deviceId, userId: caller.userId };
  });

  app.post(
    '/api/v1/devices/escrow-recovery',
    {
      schema: {
        body: {
          type: 'object',
          required: ['previousDeviceId', 'keyId', 'wrappedKey'],
          additionalProperties: false,
          properties: {
            previousDeviceId: { type: 'string', minLength: 1, maxLength: 80 },
            keyId: { type: 'string', minLength: 1, maxLength: 80 },
            wrappedKey: { type: 'string', minLength: 1, maxLength: 2048, pattern: B64URL },
          },
        },
      },
    },
    async (request) => {
      const caller = await ctx.caller(request);
      if (!caller.deviceId) throw new ApiError(403, 'forbidden', 'Réservé aux tablettes inscrites.');
      const { previousDeviceId, keyId, wrappedKey } = request.body as { previousDeviceId: string; keyId: string; wrappedKey: string };
      refuseControlCharacters('previousDeviceId', previousDeviceId);
      refuseControlCharacters('keyId', keyId);
      const previous = await ctx.repo.findDeviceById(previousDeviceId);
      if (!previous || previous.id === caller.deviceId || previous.user.id !== caller.userId) {
        // The same answer whether the device is unknown or someone else's: nothing to learn.
        throw new ApiError(403, 'escrow_other_user', 'Cette tablette était inscrite pour une autre personne : demandez un code à son nom à la coordination.', [
          { path: 'previousDeviceId', message: 'Appareil d’une autre personne.' },
        ]);
      }
      const raw = await ctx.escrow.unwrap(new Uint8Array(Buffer.from(wrappedKey, 'base64url')), keyId, previous.id, previous.user.id);
      if (!raw) {
        throw new ApiError(400, 'escrow_invalid', 'La copie de secours de la clé est illisible.', [
          { path: 'wrappedKey', message: 'Copie altérée, ou faite pour un autre appareil.' },
        ]);
      }
      const outcome = await ctx.repo.recordRecovery({
        oldDeviceId: previous.id,
        newDeviceId: caller.deviceId,
        userId: caller.userId,
        now: ctx.now().toISOString(),
      });
      if (outcome === 'taken') {
        throw new ApiError(409, 'already_recovered', 'La clé de cette tablette a déjà été récupérée par un autre appareil.', [
          { path: 'previousDeviceId', message: 'Déjà récupérée.' },
        ]);
      }
      if (outcome === 'recorded') {
        // Who recovered which device's key: ids only (the key and the copy are never logged).
        await ctx.repo.addAudit({
          at: ctx.now().toISOString(),
          actorId: caller.userId,
          actorName: caller.name,
          action: 'recover',
          entity: 'device',
          recordId: previous.id,
          counts: null,
        });
      }
      return { key: Buffer.from(raw).toString('base64url') };
    },
  );
}
