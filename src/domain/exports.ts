/**
 * What the exports contain, as plain tables: one row per accompaniment (for Excel filters), and
 * the week's tallies as titled tables with percentages (for reports). CSV and XLSX are two ways
 * of writing the same tables.
 */
import { weekNameOf, type Period } from './dates';
import { shortDate } from './format';
import type { Cell } from './csv';
import { joinValues } from './csv';
import { ageBracketOf, firstVisitsOf, type AccompanimentFact, type BeneficiaryFact, type Tally } from './tally';
import {
  AGE_BRACKET_LABELS,
  communeName,
  DOMAIN_LABELS,
  GENDER_LABELS,
  OUTCOME_LABELS,
  PARTNER_LABELS,
  PLACE_TYPE_LABELS,
  POSTURE_LABELS,
  REFERRAL_LABELS,
  SOCIAL_STATUS_LABELS,
} from './reference';

/** The association, as named on printed reports and exports. */
export const ASSOCIATION_NAME = 'Association d’insertion du bassin de Thau';
export const REPORT_TITLE = 'Relais — bilan de la médiation numérique itinérante';

export interface Labelling {
  procedure: (code: string) => string;
  relay: (id: string) => string;
}

const label = (labels: Record<string, string>, code: string) => labels[code] ?? code;

export const ACCOMPANIMENT_HEADERS = [
  'Date',
  'Semaine',
  'Médiateur·rice',
  'Relais',
  'Commune',
  'Lieu',
  'Durée (min)',
  'Démarches',
  'Domaines',
  'Organismes',
  'Qui a fait',
  'Résultat',
  'Orientation',
  'Personne',
  'Tranche d’âge',
  'Genre',
  'Situation',
  'QPV',
  'Nouvelle personne',
];

export function accompanimentRows(
  facts: readonly AccompanimentFact[],
  period: Period,
  names: Labelling,
  relayOfPermanence: ReadonlyMap<string, string>,
  /** First accompaniment ever of each followed beneficiary (over all time, not just the period). */
  firstVisits: ReadonlyMap<string, string> = firstVisitsOf(facts),
  /** The traits of followed people (age bracket on the visit's date); without them, cells stay empty. */
  beneficiaries?: ReadonlyMap<string, BeneficiaryFact>,
): Cell[][] {
  const yes = (b: boolean) => (b ? 'Oui' : 'Non');
  return facts
    .filter((a) => a.date >= period.from && a.date <= period.to)
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
    .map((a) => {
      const b = a.beneficiaryId ? beneficiaries?.get(a.beneficiaryId) : undefined;
      // A followed person's traits come from her record, her age bracket on the visit's date.
      const s =
        a.anonymous ??
        (b ? { ageBracket: ageBracketOf(b.birthYear, Number(a.date.slice(0, 4))), gender: b.gender, socialStatus: b.socialStatus, qpv: b.qpv } : null);
      const relayId = a.permanenceId ? relayOfPermanence.get(a.permanenceId) : undefined;
      const isNew = a.beneficiaryId ? firstVisits.get(a.beneficiaryId) === a.date : !a.anonymous?.alreadyHelped;
      return [
        shortDate(a.date),
        weekNameOf(a.date),
        a.mediator,
        relayId ? names.relay(relayId) : '',
        communeName(a.communeInsee),
        label(PLACE_TYPE_LABELS, a.placeType),
        a.durationMinutes,
        joinValues([...new Set(a.procedures)].map(names.procedure)),
        joinValues([...new Set(a.domains)].map((d) => label(DOMAIN_LABELS, d))),
        joinValues([...new Set(a.partners)].map((p) => label(PARTNER_LABELS, p))),
        label(POSTURE_LABELS, a.posture),
        label(OUTCOME_LABELS, a.outcome).replace('…', ''),
        a.referralTarget ? label(REFERRAL_LABELS, a.referralTarget) : '',
        a.beneficiaryId ? 'Suivie' : 'Anonyme',
        s ? label(AGE_BRACKET_LABELS, s.ageBracket) : '',
        s ? label(GENDER_LABELS, s.gender) : '',
        s ? label(SOCIAL_STATUS_LABELS, s.socialStatus) : '',
        s ? yes(s.qpv) : '',
        yes(isNew),
      ];
    });
}

export interface TallyTable {
  title: string;
  header: string[];
  rows: Cell[][];
}

const pct = (n: number, total: number): number => (total > 0 ? Math.round((n / total) * 1000) / 10 : 0);

function breakdown(title: string, what: string, counts: Record<string, number>, total: number, name: (code: string) => string, base: string): TallyTable {
  const rows = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || name(a[0]).localeCompare(name(b[0]), 'fr'))
    .map(([code, n]) => [name(code), n, pct(n, total)] as Cell[]);
  return { title, header: [what, 'Nombre', `% des ${base}`], rows };
}

export const DURATION_LABELS: Record<string, string> = { lt30: 'Moins de 30 min', '30to60': '30 à 59 min', '60to120': '1 h à 1 h 59', ge120: '2 h et plus' };
export const PUBLIC_LABELS: Record<string, string> = {
  insertion_employee: 'Salarié·e en insertion',
  job_seeker: 'Demandeur·se d’emploi',
  other: 'Autre',
  unknown: 'Non précisé',
};

export function tallyTables(t: Tally, names: Labelling): TallyTable[] {
  const acc = t.totals.accompaniments;
  const people = t.totals.people;
  const hours = Math.round((t.totals.minutes / 60) * 10) / 10;
  return [
    {
      title: 'Synthèse',
      header: ['Indicateur', 'Valeur'],
      rows: [
        ['Permanences', t.totals.permanences],
        ['Accompagnements', acc],
        ['Personnes accompagnées', people],
        ['dont nouvelles personnes', t.totals.newPeople],
        ['dont habitant un QPV', t.totals.qpvPeople],
        ['Temps d’accompagnement (heures)', hours],
        ['Personnes par permanence', t.peoplePerPermanence ?? ''],
      ],
    },
    {
      title: 'Par commune',
      header: ['Commune', 'Permanences', 'Accompagnements', 'Personnes', 'Minutes'],
      rows: Object.entries(t.byCommune)
        .sort((a, b) => b[1].accompaniments - a[1].accompaniments || communeName(a[0]).localeCompare(communeName(b[0]), 'fr'))
        .map(([insee, c]) => [communeName(insee), c.permanences, c.accompaniments, c.people, c.minutes]),
    },
    breakdown('Par démarche', 'Démarche', t.byProcedure, acc, names.procedure, 'accompagnements'),
    breakdown('Par domaine', 'Domaine', t.byDomain, acc, (c) => label(DOMAIN_LABELS, c), 'accompagnements'),
    breakdown('Par organisme', 'Organisme', t.byPartner, acc, (c) => label(PARTNER_LABELS, c), 'accompagnements'),
    breakdown('Niveau d’autonomie', 'Qui a fait', t.byPosture, acc, (c) => label(POSTURE_LABELS, c), 'accompagnements'),
    breakdown('Résultat', 'Résultat', t.byOutcome, acc, (c) => label(OUTCOME_LABELS, c).replace('…', ''), 'accompagnements'),
    breakdown('Orientations', 'Orientée vers', t.byReferral, acc, (c) => label(REFERRAL_LABELS, c), 'accompagnements'),
    breakdown('Lieu', 'Lieu', t.byPlaceType, acc, (c) => label(PLACE_TYPE_LABELS, c), 'accompagnements'),
    breakdown('Par relais', 'Relais', t.byRelay, acc, names.relay, 'accompagnements'),
    breakdown('Durée', 'Durée', t.byDuration, acc, (c) => DURATION_LABELS[c] ?? c, 'accompagnements'),
    breakdown('Par médiateur·rice', 'Médiateur·rice', t.byMediator, acc, (c) => c, 'accompagnements'),
    breakdown('Tranche d’âge', 'Tranche d’âge', t.byAgeBracket, people, (c) => label(AGE_BRACKET_LABELS, c), 'personnes'),
    breakdown('Genre', 'Genre', t.byGender, people, (c) => label(GENDER_LABELS, c), 'personnes'),
    breakdown('Situation', 'Situation', t.bySocialStatus, people, (c) => label(SOCIAL_STATUS_LABELS, c), 'personnes'),
    breakdown('Public', 'Public', t.byPublic, people, (c) => PUBLIC_LABELS[c] ?? c, 'personnes'),
    breakdown(
      'Nouvelles personnes',
      'Personnes',
      { new: t.newVsReturning.new, returning: t.newVsReturning.returning },
      people,
      (c) => (c === 'new' ? 'Nouvelles' : 'Déjà venues'),
      'personnes',
    ),
  ];
}

/** The tally tables as CSV rows: a title line, then each table with its header, a blank line between. */
export function tallyCsvRows(title: string, period: Period, tables: readonly TallyTable[]): Cell[][] {
  const out: Cell[][] = [[title], ['Période', `du ${shortDate(period.from)} au ${shortDate(period.to)}`], []];
  for (const table of tables) out.push([table.title], table.header, ...table.rows, []);
  return out;
}

/** `relais_2026-W48_accompagnements.csv` */
export function exportFileName(periodName: string, what: string, ext: string): string {
  return `relais_${periodName}_${what}.${ext}`;
}
