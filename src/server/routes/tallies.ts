/**
 * Tallies and exports (api.md): a coordinator counts everything, a mediator only her own records.
 * Extension: `mediator`, `commune` and `relay` query parameters filter the tally and exports.
 * Every export is written to the audit log (who, which file, how many rows).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parsePeriodQuery, type Period } from '../../domain/dates';
import { toCsv } from '../../domain/csv';
import { ACCOMPANIMENT_HEADERS, accompanimentRows, exportFileName, REPORT_TITLE, tallyCsvRows, tallyTables, type Labelling } from '../../domain/exports';
import { computeTally, filterFacts, type TallyFilter } from '../../domain/tally';
import type { ServerContext } from '../context';
import { badRequest } from '../errors';
import { tallyWorkbook } from '../xlsx';

export function registerTallyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const prepare = async (request: FastifyRequest, individual = false) => {
    const caller = await ctx.caller(request);
    const q = request.query as Record<string, string | undefined>;
    const parsed = parsePeriodQuery(q);
    if ('errors' in parsed) throw badRequest('Période invalide.', parsed.errors);
    const filter: TallyFilter = { mediator: q.mediator || undefined, commune: q.commune || undefined, relay: q.relay || undefined };
    const facts = await ctx.repo.tallyFacts({ period: parsed.period, ownerId: caller.role === 'coordinator' ? undefined : caller.userId, individual });
    const filtered = filterFacts(facts.accompaniments, facts.permanences, filter);
    return { ...parsed, facts, filtered };
  };

  const labelling = async (): Promise<Labelling> => {
    const reference = await ctx.repo.records(['procedure', 'relay']);
    const procedures = new Map(reference.filter((r) => r.entity === 'procedure').map((r) => [String(r.data.code), String(r.data.label)]));
    const relays = new Map(reference.filter((r) => r.entity === 'relay').map((r) => [r.id, String(r.data.name)]));
    return { procedure: (code) => procedures.get(code) ?? code, relay: (id) => relays.get(id) ?? id };
  };

  const tallyOf = (period: Period, p: Awaited<ReturnType<typeof prepare>>) =>
    computeTally(p.filtered.accompaniments, p.filtered.permanences, period, { firstVisits: p.facts.firstVisits, beneficiaries: p.facts.beneficiaries });

  /** Every export is written to the audit log: who, which file, how many accompaniments (never their content). */
  const audited = (request: FastifyRequest, file: string, accompaniments: number) =>
    ctx.caller(request).then((c) =>
      ctx.repo.addAudit?.({
        at: ctx.now().toISOString(),
        actorId: c.userId,
        actorName: c.name,
        action: 'export',
        entity: file,
        recordId: null,
        counts: { accompaniments },
      }),
    );

  const counted = (p: Awaited<ReturnType<typeof prepare>>) => p.filtered.accompaniments.reduce((n, a) => n + (a.count ?? 1), 0);

  const send = (reply: FastifyReply, body: string | Buffer, type: string, fileName: string) =>
    reply.header('Content-Type', type).header('Content-Disposition', `attachment; filename="${fileName}"`).header('Cache-Control', 'no-store').send(body);

  app.get('/api/v1/tallies', async (request) => {
    const p = await prepare(request);
    return tallyOf(p.period, p);
  });

  app.get('/api/v1/exports/accompaniments.csv', async (request, reply) => {
    const p = await prepare(request, true);
    const relayOfPermanence = new Map(p.facts.permanences.map((x) => [x.id, x.relayId]));
    const rows = accompanimentRows(p.filtered.accompaniments, p.period, await labelling(), relayOfPermanence, p.facts.firstVisits, p.facts.beneficiaries);
    await audited(request, 'accompaniments.csv', rows.length);
    return send(reply, toCsv([ACCOMPANIMENT_HEADERS, ...rows]), 'text/csv; charset=utf-8', exportFileName(p.name, 'accompagnements', 'csv'));
  });

  app.get('/api/v1/exports/tallies.csv', async (request, reply) => {
    const p = await prepare(request);
    const tables = tallyTables(tallyOf(p.period, p), await labelling());
    await audited(request, 'tallies.csv', counted(p));
    return send(reply, toCsv(tallyCsvRows(REPORT_TITLE, p.period, tables)), 'text/csv; charset=utf-8', exportFileName(p.name, 'bilan', 'csv'));
  });

  app.get('/api/v1/exports/tallies.xlsx', async (request, reply) => {
    const p = await prepare(request);
    const tables = tallyTables(tallyOf(p.period, p), await labelling());
    await audited(request, 'tallies.xlsx', counted(p));
    return send(
      reply,
      await tallyWorkbook(REPORT_TITLE, p.period, tables),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      exportFileName(p.name, 'bilan', 'xlsx'),
    );
  });
}
