/**
 * The people's rights and the audit log (README "API extensions", "Her rights", "Audit log"),
 * coordinator only (a mediator gets 403):
 * - `GET /api/v1/beneficiaries/{id}/dossier`: everything held about one person, as JSON (a file
 *   download: `Content-Disposition: attachment`); written to the audit log as an `export`;
 * - `POST /api/v1/beneficiaries/{id}/erase`: erases her everywhere (Repository.erase), audited;
 * - `GET /api/v1/audit?from=&to=&before=&limit=`: the audit log, newest first, paged.
 * Answers and errors name ids and counts only; nothing here logs a person's data.
 */
import type { FastifyInstance } from 'fastify';
import { addDays, isValidDate, parisDate } from '../../domain/dates';
import type { IsoDate } from '../../domain/records';
import { requireCoordinator, type Caller } from '../auth';
import type { ServerContext } from '../context';
import { ApiError, badRequest } from '../errors';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID } } } as const;
export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 500;

/** The instant (ISO UTC) a Paris calendar day starts (00:00 in Paris, winter or summer time). */
export function parisDayStart(date: IsoDate): string {
  for (const offsetHours of [1, 2]) {
    const t = new Date(`${date}T00:00:00.000Z`).getTime() - offsetHours * 3_600_000;
    const candidate = new Date(t);
    if (parisDate(candidate) === date && parisDate(new Date(t - 1)) !== date) return candidate.toISOString();
  }
  return `${date}T00:00:00.000Z`;
}

const merged = (survivorId: string) =>
  new ApiError(409, 'merged', 'Cette fiche a été fusionnée dans une autre : ouvrez la fiche de la personne qui reste.', [
    { path: 'id', message: `Fiche fusionnée dans ${survivorId}.` },
  ]);
const notFound = () => new ApiError(404, 'not_found', 'Personne introuvable.');

export function registerPrivacyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const coordinator = async (request: Parameters<ServerContext['caller']>[0]): Promise<Caller> => {
    const caller = await ctx.caller(request);
    requireCoordinator(caller);
    return caller;
  };
  const audit = (caller: Caller, action: 'export', entity: string, recordId: string, counts: Record<string, number> | null) =>
    ctx.repo.addAudit({ at: ctx.now().toISOString(), actorId: caller.userId, actorName: caller.name, action, entity, recordId, counts });

  app.get('/api/v1/beneficiaries/:id/dossier', { schema: { params: idParams } }, async (request, reply) => {
    const caller = await coordinator(request);
    const { id } = request.params as { id: string };
    const result = await ctx.repo.dossier(id);
    if (result.status === 'not_found') throw notFound();
    if (result.status === 'erased') throw new ApiError(410, 'erased', 'Cette personne a été effacée : le serveur ne garde plus rien d’elle.');
    if (result.status === 'merged') throw merged(result.survivorId);
    const d = result.dossier;
    const generatedAt = ctx.now().toISOString();
    await audit(caller, 'export', 'beneficiary', id, {
      accompaniments: d.accompaniments.length,
      mandates: d.mandates.length,
      followups: d.followups.length,
      ops: d.opLog.length,
    });
    return reply.header('Content-Disposition', `attachment; filename="relais_dossier_${parisDate(new Date(generatedAt))}.json"`).send({ generatedAt, ...d });
  });

  app.post('/api/v1/beneficiaries/:id/erase', { schema: { params: idParams } }, async (request) => {
    const caller = await coordinator(request);
    const { id } = request.params as { id: string };
    const result = await ctx.repo.erase(
      { userId: caller.userId, role: caller.role, deviceId: caller.deviceId, name: caller.name },
      id,
      ctx.now().toISOString(),
    );
    if (result.status === 'not_found') throw notFound();
    if (result.status === 'merged') throw merged(result.survivorId);
    // Its audit entry was written with it, in the same transaction (Repository.erase).
    // The opaque id only: if the database file is ever lost, the log says whom to erase again
    // after restoring a backup (README "Backups").
    request.log.info({ erasedPerson: id }, 'person erased');
    return { id, erased: true, counts: result.counts };
  });

  app.get('/api/v1/audit', async (request) => {
    await coordinator(request);
    const q = request.query as Record<string, string | undefined>;
    const today = parisDate(ctx.now());
    const from = q.from || addDays(today, -365);
    const to = q.to || today;
    const fields: { path: string; message: string }[] = [];
    if (!isValidDate(from)) fields.push({ path: 'from', message: 'Date de début invalide : attendu AAAA-MM-JJ.' });
    if (!isValidDate(to)) fields.push({ path: 'to', message: 'Date de fin invalide : attendu AAAA-MM-JJ.' });
    if (!fields.length && from > to) fields.push({ path: 'from', message: 'La date de début est après la date de fin.' });
    const limit = q.limit === undefined || q.limit === '' ? AUDIT_PAGE_DEFAULT : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1) fields.push({ path: 'limit', message: 'limit doit être un entier positif.' });
    const before = q.before === undefined || q.before === '' ? undefined : Number(q.before);
    if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) fields.push({ path: 'before', message: 'before doit être un entier positif.' });
    if (fields.length) throw badRequest('Requête invalide.', fields);
    const page = await ctx.repo.listAudit({
      from: parisDayStart(from),
      to: parisDayStart(addDays(to, 1)),
      limit: Math.min(limit, AUDIT_PAGE_MAX),
      before,
    });
    const last = page.entries[page.entries.length - 1];
    return { from, to, entries: page.entries, hasMore: page.hasMore, ...(page.hasMore && last ? { next: String(last.id) } : {}) };
  });
}
