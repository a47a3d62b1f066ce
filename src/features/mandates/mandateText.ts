/**
 * The words of the printed consent mandate and of its revocation form, in plain French, following
 * the content of the CNIL model for social-sector professionals (who mandates whom, for which
 * procedures, for how long, the right to revoke at any time, what is kept and for how long).
 * Pure: the print page only lays these paragraphs out.
 */
import { frenchDate } from '../../domain/dates';
import { MANDATE_DURATIONS } from '../../domain/mandates';
import type { MandateData } from '../../domain/records';
import { domainsLabel, lastValidDay } from './mandateModel';

export const ASSOCIATION = 'l’association de médiation numérique (bassin de Thau)';

export interface MandateText {
  title: string;
  parties: string[];
  procedures: string[];
  duration: string;
  commitments: string[];
  revocation: string;
  data: string[];
}

export function mandateText(personName: string, m: MandateData): MandateText {
  const duration = MANDATE_DURATIONS.find((d) => d.days === m.durationDays)?.label ?? `${m.durationDays} jours`;
  return {
    title: 'Mandat pour faire des démarches en ligne à ma place',
    parties: [
      `Je soussigné(e) ${personName}, appelé(e) « la personne accompagnée »,`,
      `donne mandat à ${ASSOCIATION}, représentée par ses médiatrices et médiateurs numériques, appelée « le mandataire »,`,
      'pour faire à ma place, en mon nom et avec mon accord, les démarches en ligne listées ci-dessous.',
    ],
    procedures: [`Domaines : ${domainsLabel(m.domains)}.`, `Démarches précises : ${m.actions}`],
    duration: `Ce mandat est signé le ${frenchDate(m.signedOn)} pour ${duration}. Il est valable jusqu’au ${frenchDate(lastValidDay(m))} inclus. Après cette date, il faut en signer un nouveau.`,
    commitments: [
      'Le mandataire fait seulement les démarches listées ci-dessus, et me dit ce qu’il a fait.',
      'Le mandataire ne garde ni mes identifiants ni mes mots de passe. Je peux changer mes mots de passe quand je veux.',
      'Le mandataire ne se sert pas de mes informations pour autre chose que ces démarches.',
    ],
    revocation:
      'Je peux arrêter ce mandat à tout moment, sans donner de raison, en le disant à une médiatrice ou un médiateur ou en remplissant le formulaire de révocation (page 2). À partir de ce jour-là, plus rien ne sera fait à ma place.',
    data: [
      'Ce qui est gardé : mon prénom et mon nom, les dates et la durée de ce mandat, les domaines et démarches couverts, et la liste des démarches faites à ma place (date et nature). Le mandat papier signé est rangé par l’association.',
      'Ces informations servent seulement à suivre mes démarches et à prouver mon accord. Elles sont effacées deux ans après mon dernier passage.',
      'Je peux demander à voir ces informations, à les corriger ou à les effacer, auprès de l’association.',
    ],
  };
}

export const REVOCATION_TEXT = {
  title: 'Formulaire de révocation du mandat',
  body: (personName: string, m: MandateData) =>
    `Je soussigné(e) ${personName} révoque le mandat signé le ${frenchDate(m.signedOn)} avec ${ASSOCIATION} (domaines : ${domainsLabel(m.domains)}). À partir de la date ci-dessous, plus aucune démarche ne doit être faite à ma place avec ce mandat.`,
  reasonNote: 'Raison (facultatif, vous n’êtes pas obligé(e) de la donner) :',
};
