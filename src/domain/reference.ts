/**
 * Reference lists of the domain (domain.md §1 and §3, codes from api.md).
 * Records store codes, never labels; labels are the French words the UI shows.
 */

export interface Commune {
  insee: string;
  name: string;
  postcode: string;
}

/** The 14 communes of Sète Agglopôle Méditerranée (bassin de Thau). */
export const COMMUNES: readonly Commune[] = [
  { insee: '34024', name: 'Balaruc-le-Vieux', postcode: '34540' },
  { insee: '34023', name: 'Balaruc-les-Bains', postcode: '34540' },
  { insee: '34039', name: 'Bouzigues', postcode: '34140' },
  { insee: '34108', name: 'Frontignan', postcode: '34110' },
  { insee: '34113', name: 'Gigean', postcode: '34770' },
  { insee: '34143', name: 'Loupian', postcode: '34140' },
  { insee: '34150', name: 'Marseillan', postcode: '34340' },
  { insee: '34157', name: 'Mèze', postcode: '34140' },
  { insee: '34159', name: 'Mireval', postcode: '34110' },
  { insee: '34165', name: 'Montbazin', postcode: '34560' },
  { insee: '34213', name: 'Poussan', postcode: '34560' },
  { insee: '34301', name: 'Sète', postcode: '34200' },
  { insee: '34333', name: 'Vic-la-Gardiole', postcode: '34110' },
  { insee: '34341', name: 'Villeveyrac', postcode: '34560' },
];

export const TERRITORY_INSEE: ReadonlySet<string> = new Set(COMMUNES.map((c) => c.insee));

/** Communes that hold a priority neighbourhood (QPV 2024): Sète and Frontignan. */
export const QPV_COMMUNES: ReadonlySet<string> = new Set(['34301', '34108']);

/** The association's fixed digital space is in Sète. */
export const AGENCY_INSEE = '34301';

export function communeName(insee: string | null | undefined): string {
  if (!insee) return '';
  return COMMUNES.find((c) => c.insee === insee)?.name ?? `Commune ${insee}`;
}

/** A label for every code of a closed list, in the order the UI shows them. */
export type Labels<K extends string> = Readonly<Record<K, string>>;

function codesOf<K extends string>(labels: Labels<K>): readonly K[] {
  return Object.keys(labels) as K[];
}

export const DOMAIN_LABELS = {
  papiers: 'Papiers – Citoyenneté',
  famille: 'Famille – Scolarité',
  social: 'Social – Santé',
  travail: 'Travail – Formation',
  logement: 'Logement',
  transports: 'Transports – Mobilité',
  argent: 'Argent – Impôts',
  justice: 'Justice',
  etranger: 'Étrangers – Europe',
  loisirs: 'Loisirs – Culture',
  numerique: 'Compétences numériques',
} as const satisfies Labels<string>;
export type DomainCode = keyof typeof DOMAIN_LABELS;
export const DOMAINS = codesOf(DOMAIN_LABELS);

export const PARTNER_LABELS = {
  caf: 'CAF',
  cpam: 'Assurance Maladie (CPAM)',
  carsat: 'Assurance retraite (CARSAT)',
  msa: 'MSA',
  france_travail: 'France Travail',
  la_poste: 'La Poste',
  dgfip: 'Impôts (DGFiP)',
  justice: 'Justice',
  interieur: 'Intérieur – France Titres, préfecture',
  autre: 'Autre organisme',
  aucun: 'Aucun organisme',
} as const satisfies Labels<string>;
export type PartnerCode = keyof typeof PARTNER_LABELS;
export const PARTNERS = codesOf(PARTNER_LABELS);

export const PLACE_TYPE_LABELS = {
  relay: 'Relais',
  agency: 'À l’agence',
  home: 'À domicile',
  remote: 'À distance',
  other: 'Autre lieu',
} as const satisfies Labels<string>;
export type PlaceType = keyof typeof PLACE_TYPE_LABELS;
export const PLACE_TYPES = codesOf(PLACE_TYPE_LABELS);

/** Posture: the CNIL's three situations, with the words of ux.md. */
export const POSTURE_LABELS = {
  laisse_faire: 'La personne a fait seule',
  fait_avec: 'Fait avec la personne',
  fait_a_la_place: 'Fait à sa place',
} as const satisfies Labels<string>;
export type Posture = keyof typeof POSTURE_LABELS;
export const POSTURES = codesOf(POSTURE_LABELS);

export const OUTCOME_LABELS = {
  finalisee: 'Terminé',
  a_finaliser_en_autonomie: 'À finaliser en autonomie',
  doit_revenir: 'Doit revenir',
  orientee: 'Orienté vers…',
} as const satisfies Labels<string>;
export type Outcome = keyof typeof OUTCOME_LABELS;
export const OUTCOMES = codesOf(OUTCOME_LABELS);

export const REFERRAL_LABELS = {
  administration: 'Administration (mairie, préfecture…)',
  operateur: 'Organisme en charge de la démarche',
  mediation_numerique: 'Autre lieu de médiation numérique',
  aide_sociale: 'Accompagnement social (CCAS, centre social…)',
  insertion_pro: 'Emploi (France Travail, mission locale…)',
  france_services: 'France Services',
  autre: 'Autre',
} as const satisfies Labels<string>;
export type ReferralTarget = keyof typeof REFERRAL_LABELS;
export const REFERRAL_TARGETS = codesOf(REFERRAL_LABELS);

export const EQUIPMENT_LABELS = {
  computer: 'Ordinateur',
  phone: 'Téléphone',
  tablet: 'Tablette',
  other: 'Autre',
  none: 'Aucun',
} as const satisfies Labels<string>;
export type Equipment = keyof typeof EQUIPMENT_LABELS;
export const EQUIPMENT = codesOf(EQUIPMENT_LABELS);

export const GENDER_LABELS = {
  female: 'Femme',
  male: 'Homme',
  unknown: 'Non précisé',
} as const satisfies Labels<string>;
export type Gender = keyof typeof GENDER_LABELS;
export const GENDERS = codesOf(GENDER_LABELS);

export const AGE_BRACKET_LABELS = {
  '18-24': '18–24 ans',
  '25-39': '25–39 ans',
  '40-59': '40–59 ans',
  '60-69': '60–69 ans',
  '70+': '70 ans et plus',
  unknown: 'Non précisé',
} as const satisfies Labels<string>;
export type AgeBracket = keyof typeof AGE_BRACKET_LABELS;
export const AGE_BRACKETS = codesOf(AGE_BRACKET_LABELS);

export const SOCIAL_STATUS_LABELS = {
  employed: 'En emploi',
  job_seeker: 'Demandeur d’emploi',
  retired: 'Retraité',
  student: 'Étudiant',
  unknown: 'Non précisé',
} as const satisfies Labels<string>;
export type SocialStatus = keyof typeof SOCIAL_STATUS_LABELS;
export const SOCIAL_STATUSES = codesOf(SOCIAL_STATUS_LABELS);

/** Duration presets of domain.md §2, in minutes. */
export const DURATION_PRESETS: readonly number[] = [15, 30, 45, 60, 90, 120];
export const DURATION_MIN = 1;
export const DURATION_MAX = 600;

export function isOneOf<K extends string>(labels: Labels<K>, value: unknown): value is K {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(labels, value);
}
