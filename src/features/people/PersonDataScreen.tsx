/**
 * « Exporter ses données » (`#/personnes/<id>/donnees`, coordinator, online): everything the server
 * holds about one person, fetched once (the server writes it to the audit log), shown readable and
 * printable on A4 (the browser's print or « Enregistrer en PDF »), and downloadable as the JSON the
 * server answered. Offline, it says the network is needed. The file name never carries her name.
 */
import { useEffect, useRef, useState } from 'react';
import './rights.css';
import { parisDate } from '../../domain/dates';
import { ASSOCIATION_NAME } from '../../domain/exports';
import { DOMAIN_LABELS, GENDER_LABELS, OUTCOME_LABELS, POSTURE_LABELS, SOCIAL_STATUS_LABELS, communeName } from '../../domain/reference';
import { hrefOf } from '../../platform/router';
import { PUBLIC_LABELS } from './labels';
import { loadDossier } from './usePersonRights';

type Data = Record<string, unknown>;
interface Rec {
  id: string;
  version: number;
  deleted: boolean;
  data: Data;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}
interface Dossier {
  generatedAt: string;
  person: Rec;
  mergedIds: string[];
  merges: { duplicateId: string; mergedAt: string; mergedBy: string }[];
  accompaniments: Rec[];
  mandates: (Rec & { uses: { accompanimentId: string; date: string }[] })[];
  followups: Rec[];
  opLog: { opId: string; entity: string; status: string; receivedAt: string; by: string; sent: unknown; current: unknown }[];
}

const FIELD_LABELS: Record<string, string> = {
  firstName: 'Prénom',
  lastName: 'Nom',
  birthYear: 'Année de naissance',
  residenceInsee: 'Commune',
  phone: 'Téléphone',
  noPhone: 'Pas de téléphone',
  gender: 'Genre',
  socialStatus: 'Situation',
  public: 'Public',
  qpv: 'Quartier prioritaire',
  consentedOn: 'Accord pour être suivie',
  note: 'Note',
  date: 'Date',
  communeInsee: 'Commune',
  durationMinutes: 'Durée (minutes)',
  procedures: 'Démarches',
  posture: 'Qui a fait',
  outcome: 'Résultat',
  referral: 'Orientation',
  signedOn: 'Signé le',
  durationDays: 'Durée (jours)',
  expiresOn: 'Fin',
  domains: 'Domaines',
  actions: 'Démarches autorisées',
  paperLocation: 'Mandat papier rangé',
  revokedOn: 'Révoqué le',
  label: 'À faire',
  dueOn: 'Échéance',
  doneOn: 'Fait le',
};
/** Fields that only link records (ids): the dossier lists the records themselves. */
const HIDDEN = new Set(['beneficiaryId', 'permanenceId', 'mandateId', 'accompanimentId', 'relayId', 'anonymous', 'placeType', 'equipment']);

const instant = (iso: string) => new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
const day = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : null);

function show(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'Oui' : 'Non';
  if (key === 'gender') return GENDER_LABELS[v as keyof typeof GENDER_LABELS] ?? String(v);
  if (key === 'socialStatus') return SOCIAL_STATUS_LABELS[v as keyof typeof SOCIAL_STATUS_LABELS] ?? String(v);
  if (key === 'public') return PUBLIC_LABELS[v as keyof typeof PUBLIC_LABELS] ?? String(v);
  if (key === 'posture') return POSTURE_LABELS[v as keyof typeof POSTURE_LABELS] ?? String(v);
  if (key === 'outcome') return OUTCOME_LABELS[v as keyof typeof OUTCOME_LABELS] ?? String(v);
  if (key === 'residenceInsee' || key === 'communeInsee') return communeName(String(v));
  if (key === 'domains' && Array.isArray(v)) return v.map((d) => DOMAIN_LABELS[d as keyof typeof DOMAIN_LABELS] ?? d).join(', ');
  if (key === 'procedures' && Array.isArray(v)) return v.map((p) => (p as { code: string }).code).join(', ');
  if (key === 'referral' && typeof v === 'object') return [(v as { target: string }).target, (v as { note: string | null }).note].filter(Boolean).join(' — ');
  return day(v) ?? (typeof v === 'object' ? JSON.stringify(v) : String(v));
}

function Fields({ data }: { data: Data }) {
  return (
    <dl>
      {Object.entries(data)
        .filter(([k]) => !HIDDEN.has(k))
        .map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{FIELD_LABELS[k] ?? k}</dt>
            <dd>{show(k, v)}</dd>
          </div>
        ))}
    </dl>
  );
}

function Written({ r }: { r: Rec }) {
  return (
    <p className="muted">
      Enregistré par {r.createdBy} le {instant(r.createdAt)}
      {r.updatedAt !== r.createdAt ? `, modifié par ${r.updatedBy} le ${instant(r.updatedAt)}` : ''}.
    </p>
  );
}

export default function PersonDataScreen({ id }: { id: string }) {
  const [state, setState] = useState<{ dossier: Dossier } | { error: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let live = true;
    void loadDossier(id).then((r) => live && setState(r as { dossier: Dossier } | { error: string }));
    return () => {
      live = false;
    };
  }, [id]);
  useEffect(() => heading.current?.focus(), [state === null]);
  const back = hrefOf({ name: 'person', id });

  if (state === null) return <p className="muted">Chargement des données du serveur…</p>;
  if ('error' in state)
    return (
      <section className="screen">
        <h1 ref={heading} tabIndex={-1}>
          Exporter ses données
        </h1>
        <p className="form-error" role="alert">
          {state.error}
        </p>
        <a className="button button-secondary button-large" href={back}>
          Retour à sa fiche
        </a>
      </section>
    );

  const d = state.dossier;
  const p = d.person.data;
  const download = () => {
    const blob = new Blob([JSON.stringify(d, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `relais_dossier_${parisDate(new Date(d.generatedAt))}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section className="screen" aria-labelledby="dossier-title">
      <div className="no-print print-toolbar">
        <p>Tout ce que le serveur garde sur elle. Remettez-lui le fichier ou la version imprimée (A4, noir et blanc).</p>
        <div className="actions">
          <button type="button" className="button button-primary button-large" onClick={download}>
            Télécharger (JSON)
          </button>
          <button type="button" className="button button-secondary button-large" onClick={() => window.print()}>
            Imprimer
          </button>
          <a className="button button-ghost button-large" href={back}>
            Retour
          </a>
        </div>
      </div>
      <article className="dossier">
        <h1 id="dossier-title" ref={heading} tabIndex={-1}>
          Données détenues sur {String(p.firstName ?? '')} {String(p.lastName ?? '')}
        </h1>
        <p>
          {ASSOCIATION_NAME} — état au {instant(d.generatedAt)}.
        </p>

        <h2>Sa fiche</h2>
        <Fields data={p} />
        <Written r={d.person} />
        {d.merges.length > 0 && <p>{d.merges.length} autre(s) fiche(s) d’elle fusionnée(s) dans celle-ci.</p>}

        <h2>Visites ({d.accompaniments.length})</h2>
        {d.accompaniments.map((a) => (
          <div key={a.id} className="dossier-record">
            <Fields data={a.data} />
            <Written r={a} />
          </div>
        ))}

        <h2>Mandats ({d.mandates.length})</h2>
        {d.mandates.map((m) => (
          <div key={m.id} className="dossier-record">
            <Fields data={m.data} />
            <p>
              Utilisé {m.uses.length} fois{m.uses.length ? ` : ${m.uses.map((u) => day(u.date)).join(', ')}` : ''}.
            </p>
            <Written r={m} />
          </div>
        ))}

        <h2>Suivis ({d.followups.length})</h2>
        {d.followups.map((f) => (
          <div key={f.id} className="dossier-record">
            <Fields data={f.data} />
            <Written r={f} />
          </div>
        ))}

        <h2>Historique des modifications ({d.opLog.length})</h2>
        <p>
          Chaque enregistrement ou modification reçu par le serveur, avec qui l’a fait et quand ; les modifications refusées gardées pour vérification sont dans
          le fichier JSON.
        </p>
        <ul>
          {d.opLog.map((o) => (
            <li key={o.opId}>
              {instant(o.receivedAt)} — {o.by} — {o.status === 'applied' ? 'enregistré' : o.status === 'conflict' ? 'en conflit' : 'refusé'}
              {o.sent || o.current ? ' (copie gardée)' : ''}
            </li>
          ))}
        </ul>
      </article>
    </section>
  );
}
