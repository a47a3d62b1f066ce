/**
 * The reference data a new installation starts with: an example set of 8 relays in 8 communes of
 * the territory (outside Sète, where the fixed space is) and a short procedure catalogue.
 * Both are data, editable by the coordinator; ids are fixed so every device seeds the same rows.
 */
import type { ProcedureData, RelayData } from './records';

export interface SeedRow<T> {
  id: string;
  data: T;
}

export const SEED_RELAYS: readonly SeedRow<RelayData>[] = [
  {
    id: '00000000-0000-4000-8000-000000000101',
    data: { name: 'Médiathèque de Mèze', communeInsee: '34157', address: 'Rue de la Parée, Mèze', schedule: 'lundi matin', active: true },
  },
  {
    id: '00000000-0000-4000-8000-000000000102',
    data: {
      name: 'Mairie de Marseillan – salle des associations',
      communeInsee: '34150',
      address: 'Place du Général de Gaulle, Marseillan',
      schedule: 'mardi matin',
      active: true,
    },
  },
  {
    id: '00000000-0000-4000-8000-000000000103',
    data: {
      name: 'Espace jeunesse de Frontignan',
      communeInsee: '34108',
      address: 'Quartier Calmette, Frontignan',
      schedule: 'mardi après-midi',
      active: true,
    },
  },
  {
    id: '00000000-0000-4000-8000-000000000104',
    data: { name: 'Centre social de Poussan', communeInsee: '34213', address: 'Avenue de Montpellier, Poussan', schedule: 'mercredi matin', active: true },
  },
  {
    id: '00000000-0000-4000-8000-000000000105',
    data: { name: 'Foyer rural de Gigean', communeInsee: '34113', address: 'Place de la Mairie, Gigean', schedule: 'jeudi matin', active: true },
  },
  {
    id: '00000000-0000-4000-8000-000000000106',
    data: {
      name: 'Salle polyvalente de Villeveyrac',
      communeInsee: '34341',
      address: 'Rue du Château, Villeveyrac',
      schedule: 'jeudi après-midi',
      active: true,
    },
  },
  {
    id: '00000000-0000-4000-8000-000000000107',
    data: {
      name: 'Médiathèque de Balaruc-les-Bains',
      communeInsee: '34023',
      address: 'Avenue de Montpellier, Balaruc-les-Bains',
      schedule: 'vendredi matin',
      active: true,
    },
  },
  {
    id: '00000000-0000-4000-8000-000000000108',
    data: {
      name: 'Mairie annexe de Vic-la-Gardiole',
      communeInsee: '34333',
      address: 'Boulevard des Aresquiers, Vic-la-Gardiole',
      schedule: 'vendredi après-midi',
      active: true,
    },
  },
];

const p = (n: number, code: string, label: string, domain: ProcedureData['domain'], partner: ProcedureData['partner']): SeedRow<ProcedureData> => ({
  id: `00000000-0000-4000-8000-${String(200 + n).padStart(12, '0')}`,
  data: { code, label, domain, partner, active: true },
});

export const SEED_PROCEDURES: readonly SeedRow<ProcedureData>[] = [
  p(1, 'ameli_compte', 'Compte Ameli (Assurance Maladie)', 'social', 'cpam'),
  p(2, 'css', 'Complémentaire santé solidaire', 'social', 'cpam'),
  p(3, 'caf_allocations', 'Allocations familiales, prime d’activité (CAF)', 'famille', 'caf'),
  p(4, 'caf_logement', 'Aide au logement (CAF)', 'logement', 'caf'),
  p(5, 'carte_identite_passeport', 'Carte d’identité, passeport', 'papiers', 'interieur'),
  p(6, 'permis_conduire', 'Permis de conduire', 'transports', 'interieur'),
  p(7, 'carte_grise', 'Carte grise', 'transports', 'interieur'),
  p(8, 'titre_sejour_anef', 'Titre de séjour (ANEF)', 'etranger', 'interieur'),
  p(9, 'france_travail_inscription', 'Inscription France Travail', 'travail', 'france_travail'),
  p(10, 'france_travail_profil', 'Profil de compétences, espace France Travail', 'travail', 'france_travail'),
  p(11, 'cv_candidature', 'CV et candidatures', 'travail', 'aucun'),
  p(12, 'mon_compte_formation', 'Recherche de formation (Mon compte formation)', 'travail', 'autre'),
  p(13, 'impots_declaration', 'Impôts, déclaration de revenus', 'argent', 'dgfip'),
  p(14, 'retraite', 'Retraite (CARSAT)', 'travail', 'carsat'),
  p(15, 'msa', 'Démarche MSA', 'social', 'msa'),
  p(16, 'la_poste', 'La Poste, identité numérique', 'papiers', 'la_poste'),
  p(17, 'justice', 'Démarche de justice', 'justice', 'justice'),
  p(18, 'messagerie', 'Créer ou utiliser une adresse e-mail', 'numerique', 'aucun'),
  p(19, 'smartphone', 'Prise en main du smartphone', 'numerique', 'aucun'),
  p(20, 'securite_en_ligne', 'Sécurité en ligne, arnaques', 'numerique', 'aucun'),
  p(21, 'autre', 'Autre démarche', 'numerique', 'autre'),
];
