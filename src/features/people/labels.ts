/** Words the people screens show for a person's fields (domain.md §2). */
import type { BeneficiaryData } from '../../domain/records';
import { communeName } from '../../domain/reference';
import { shortDate } from '../../domain/format';

export const PUBLIC_LABELS: Readonly<Record<BeneficiaryData['public'], string>> = {
  insertion_employee: 'Salariée en insertion de l’association',
  job_seeker: 'Demandeuse ou demandeur d’emploi',
  other: 'Autre',
};

/** "Leïla M." as the lists show her. */
export const personName = (p: Pick<BeneficiaryData, 'firstName' | 'lastName'>) => `${p.firstName} ${p.lastName}`.trim();

/** "Sète · dernière visite le 12/11/2026" */
export function personLine(residenceInsee: string | null, lastVisitOn: string | null | undefined): string {
  const commune = residenceInsee ? communeName(residenceInsee) : 'Commune non précisée';
  if (lastVisitOn === undefined) return commune; // her last visit is being read
  return `${commune} · ${lastVisitOn ? `dernière visite le ${shortDate(lastVisitOn)}` : 'aucune visite'}`;
}

/** The information read to her before she is recorded (her agreement). */
export const CONSENT_TEXT =
  'Nous gardons votre prénom, votre nom ou son initiale et les informations ci-dessous pour suivre vos démarches avec vous et compter notre activité pour nos financeurs ; elles sont effacées 2 ans après notre dernier contact, et vous pouvez à tout moment les voir, les faire corriger ou les faire effacer.';
