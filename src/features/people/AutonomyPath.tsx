/**
 * "Parcours vers l'autonomie": per domain, the postures of her successive visits over time (fait à
 * sa place → fait avec → seule). A table, a row per domain with its dated steps, readable aloud and
 * printable, plus one sentence per domain saying where she is now.
 */
import { memo } from 'react';
import type { AutonomyPath as Path } from '../../domain/people';
import { DOMAIN_LABELS, type Posture } from '../../domain/reference';
import { shortDate } from '../../domain/format';

const STEP_WORDS: Record<Posture, string> = {
  fait_a_la_place: 'Fait à sa place',
  fait_avec: 'Fait avec elle',
  laisse_faire: 'Seule',
};

const domainLabel = (d: string) => (DOMAIN_LABELS as Record<string, string>)[d] ?? d;

function summary(p: Path): string {
  const first = p.steps[0].posture;
  const last = p.steps[p.steps.length - 1].posture;
  const rank: Record<Posture, number> = { fait_a_la_place: 0, fait_avec: 1, laisse_faire: 2 };
  const trend = p.steps.length === 1 ? 'une visite' : rank[last] > rank[first] ? 'en progrès' : rank[last] < rank[first] ? 'plus d’aide qu’au début' : 'stable';
  return `${domainLabel(p.domain)} : ${STEP_WORDS[last].toLowerCase()} la dernière fois (${trend}).`;
}

// Memoised: her page re-renders when its duplicates arrive; the path (one step per visit) is drawn once.
export const AutonomyPath = memo(function AutonomyPath({ paths }: { paths: readonly Path[] }) {
  if (paths.length === 0) return <p className="muted">Pas encore de visite enregistrée.</p>;
  return (
    <>
      <table className="autonomy">
        <caption className="sr-only">Postures de ses visites, par domaine, de la plus ancienne à la plus récente</caption>
        <thead>
          <tr>
            <th scope="col">Domaine</th>
            <th scope="col">Visites, de la plus ancienne à la plus récente</th>
          </tr>
        </thead>
        <tbody>
          {paths.map((p) => (
            <tr key={p.domain}>
              <th scope="row">{domainLabel(p.domain)}</th>
              <td>
                <ol className="steps">
                  {p.steps.map((s, i) => (
                    <li key={i} className={`step step-${s.posture}`}>
                      <span className="step-date">{shortDate(s.date)}</span> <span className="step-posture">{STEP_WORDS[s.posture]}</span>
                    </li>
                  ))}
                </ol>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="autonomy-summary">
        {paths.map((p) => (
          <li key={p.domain}>{summary(p)}</li>
        ))}
      </ul>
    </>
  );
});
