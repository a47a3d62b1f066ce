/**
 * Identity and devices: /me, enrolment codes, enrolling a tablet, listing and revoking devices.
 * A code never yields more rights than it says: a code whose role differs from the existing user
 * of its name is refused (409 role_mismatch) when it is made and when it is used; names are
 * compared after NFC normalisation, trimmed, case-insensitively (store/names.ts). Using a code
 * and creating the device are one transaction (Repository.enrolDevice). Codes made, devices
 * enrolled and devices revoked go to the audit log. The enrolment answer also gives the server's
 * escrow public key (docs/privacy.md, Recovery); escrow recovery: escrow.ts here.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { newEnrolmentCode, newToken, normalizeCode, requireCoordinator, sha256 } from '../auth';
import type { ServerContext } from '../context';
import { ApiError, refuseControlCharacters } from '../errors';
import { registerEscrowRoutes } from './escrow';

const ENROLMENT_TTL_MS = 24 * 3600 * 1000;
const ROLE_LABEL = { mediator: 'médiatrice ou médiateur', coordinator: 'coordination' } as const;

export function registerDeviceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/me', async (request) => {
    const c = await ctx.caller(request);
    return { deviceId: c.deviceId, role: c.role, name: c.name };
  });

  app.post(
    '/api/v1/enrolments',
    {
      schema: {
        body: {
          type: 'object',
          required: ['role', 'name'],
          properties: { role: { type: 'string', enum: ['mediator', 'coordinator'] }, name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' } },
        },
      },
    },
    async (request, reply) => {
      const caller = await ctx.caller(request);
      requireCoordinator(caller);
      const { role, name } = request.body as { role: 'mediator' | 'coordinator'; name: string };
      refuseControlCharacters('name', name);
      const existing = await ctx.repo.findUserByName(name);
      if (existing && existing.role !== role) {
        throw new ApiError(409, 'role_mismatch', `« ${existing.name} » est déjà inscrit(e) avec le rôle ${ROLE_LABEL[existing.role]}.`, [
          { path: 'role', message: 'Rôle différent de celui de cette personne.' },
        ]);
      }
      const code = newEnrolmentCode();
      const now = ctx.now();
      const expiresAt = new Date(now.getTime() + ENROLMENT_TTL_MS).toISOString();
      await ctx.repo.createEnrolment({ codeHash: sha256(normalizeCode(code)), role, name, createdBy: caller.userId, createdAt: now.toISOString(), expiresAt });
      // The audit names who made a code, not for whom (a mediator's name is in the devices list).
      await ctx.repo.addAudit({
        at: now.toISOString(),
        actorId: caller.userId,
        actorName: caller.name,
        action: 'enrol',
        entity: 'enrolment',
        recordId: null,
        counts: null,
      });
      return reply.code(201).send({ code, expiresAt });
    },
  );

  app.post(
    '/api/v1/devices',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'label'],
          properties: { code: { type: 'string', minLength: 1, maxLength: 40 }, label: { type: 'string', minLength: 1, maxLength: 80 } },
        },
      },
    },
    async (request, reply) => {
      // Unlike a token (never refused when valid), a code is not even checked while its address
      // is over its failure budget: a code has ~40 bits, and a limiter that let a right guess
      // through would not slow guessing at all. Only failures count, so tablets enrolling one
      // after another are never slowed; behind a proxy, RELAIS_TRUST_PROXY keeps budgets apart.
      const retryAfter = ctx.enrolmentFailures.blocked(request.ip);
      if (retryAfter) throw new ApiError(429, 'rate_limited', 'Trop d’essais de code : réessayez dans quelques minutes.', undefined, retryAfter);
      const { code, label } = request.body as { code: string; label: string };
      refuseControlCharacters('label', label);
      const token = newToken();
      const result = await ctx.repo.enrolDevice({
        codeHash: sha256(normalizeCode(code)),
        now: ctx.now().toISOString(),
        deviceId: randomUUID(),
        label: label.trim(),
        tokenHash: sha256(token),
        newUserId: randomUUID(),
      });
      if (result.status === 'invalid_code') {
        ctx.enrolmentFailures.hit(request.ip);
        throw new ApiError(400, 'invalid_code', 'Code d’inscription inconnu, déjà utilisé ou expiré.', [
          { path: 'code', message: 'Code inconnu, déjà utilisé ou expiré.' },
        ]);
      }
      if (result.status === 'role_mismatch') {
        // A real code, not a guess: not counted. No name here: the caller is not authenticated.
        throw new ApiError(
          409,
          'role_mismatch',
          `Ce code ne correspond pas au rôle de la personne déjà inscrite sous ce nom (${ROLE_LABEL[result.userRole]}) : demandez un nouveau code à la coordination.`,
          [{ path: 'code', message: 'Rôle différent de celui de cette personne.' }],
        );
      }
      const { device } = result;
      await ctx.repo.addAudit({
        at: device.createdAt,
        actorId: device.user.id,
        actorName: device.user.name,
        action: 'enrol',
        entity: 'device',
        recordId: device.id,
        counts: null,
      });
      const escrow = await ctx.escrow.publicKey();
      return reply.code(201).send({ deviceId: device.id, token, role: device.user.role, name: device.user.name, userId: device.user.id, escrow });
    },
  );

  registerEscrowRoutes(app, ctx);

  app.get('/api/v1/devices', async (request) => {
    requireCoordinator(await ctx.caller(request));
    return {
      devices: (await ctx.repo.listDevices()).map((d) => ({
        deviceId: d.id,
        label: d.label,
        name: d.user.name,
        role: d.user.role,
        createdAt: d.createdAt,
        lastSyncAt: d.lastSyncAt,
        revokedAt: d.revokedAt,
      })),
    };
  });

  app.delete('/api/v1/devices/:id', async (request, reply) => {
    const caller = await ctx.caller(request);
    requireCoordinator(caller);
    const { id } = request.params as { id: string };
    const at = ctx.now().toISOString();
    if (!(await ctx.repo.revokeDevice(id, at))) throw new ApiError(404, 'not_found', 'Appareil introuvable.');
    await ctx.repo.addAudit({ at, actorId: caller.userId, actorName: caller.name, action: 'revoke', entity: 'device', recordId: id, counts: null });
    return reply.code(204).send();
  });
}
