/**
 * « Imprimer le mandat » (`#/mandats/<id>/imprimer`): the CNIL-model consent mandate prefilled with
 * her name, domains, actions and dates, with signature boxes, and the revocation form on a second
 * A4 page. Black and white; the browser's print (or « Enregistrer en PDF ») makes the paper.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './mandates.css';
import { db } from '../../db/database';
import { resolvePerson } from '../../db/people';
import { frenchDate } from '../../domain/dates';
import { hrefOf } from '../../platform/router';
import { mandateText, REVOCATION_TEXT } from './mandateText';

function Signatures({ who }: { who: string[] }) {
  return (
    <div className="print-signatures">
      {who.map((w) => (
        <div key={w} className="print-signature">
          <p>{w}</p>
          <p>Date : ____ / ____ / ________</p>
          <p>Signature :</p>
        </div>
      ))}
    </div>
  );
}

export default function MandatePrintScreen({ mandateId }: { mandateId: string }) {
  const found = useLiveQuery(async () => {
    const mandate = await db.mandates.get(mandateId);
    if (!mandate || mandate.deleted) return null;
    const person = await resolvePerson(mandate.data.beneficiaryId);
    return { mandate, name: person ? `${person.data.firstName} ${person.data.lastName}`.trim() : '……………………………………' };
  }, [mandateId]);
  if (found === undefined) return <p className="muted">Chargement…</p>;
  if (found === null) {
    return (
      <section className="screen">
        <h1 tabIndex={-1}>Mandat introuvable</h1>
        <a className="button button-secondary" href={hrefOf({ name: 'today' })}>
          Retour à l’accueil
        </a>
      </section>
    );
  }
  const m = found.mandate.data;
  const t = mandateText(found.name, m);
  const back = hrefOf({ name: 'person', id: m.beneficiaryId });

  return (
    <section className="screen mandate-print" aria-labelledby="mandate-print-title">
      <div className="no-print print-toolbar">
        <p>Vérifiez le texte, puis imprimez-le (ou « Enregistrer en PDF ») : 2 pages A4, en noir et blanc.</p>
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => window.print()}>
            Imprimer
          </button>
          <a className="button button-ghost" href={back}>
            Retour
          </a>
        </div>
      </div>
      <article className="print-page">
        <h1 id="mandate-print-title" tabIndex={-1}>
          {t.title}
        </h1>
        {t.parties.map((p) => (
          <p key={p}>{p}</p>
        ))}
        <h2>Les démarches</h2>
        {t.procedures.map((p) => (
          <p key={p}>{p}</p>
        ))}
        <h2>La durée</h2>
        <p>{t.duration}</p>
        <h2>Les engagements du mandataire</h2>
        <ul>
          {t.commitments.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <h2>Arrêter le mandat</h2>
        <p>{t.revocation}</p>
        <h2>Mes informations</h2>
        {t.data.map((d) => (
          <p key={d}>{d}</p>
        ))}
        <p>Fait en deux exemplaires, un pour la personne accompagnée, un pour le mandataire.</p>
        <Signatures who={['La personne accompagnée', 'Pour le mandataire (nom) : ……………………………']} />
      </article>
      <article className="print-page print-page-break" aria-labelledby="revocation-title">
        <h1 id="revocation-title">{REVOCATION_TEXT.title}</h1>
        <p>{REVOCATION_TEXT.body(found.name, m)}</p>
        <p>Date de la révocation : {m.revokedOn ? frenchDate(m.revokedOn) : '____ / ____ / ________'}</p>
        <p>{REVOCATION_TEXT.reasonNote}</p>
        <div className="print-lines" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <Signatures who={['La personne accompagnée', 'Reçu par (nom) : ……………………………']} />
      </article>
    </section>
  );
}
