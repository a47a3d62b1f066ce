/**
 * Coordinator: edit the relays and the procedure catalogue. Changes go through the one write path
 * and reach every tablet at its next sync (reference data, written by coordinators only).
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { newId, saveRecord, ValidationError } from '../../db/writes';
import type { ProcedureData, RelayData } from '../../domain/records';
import { communeName, DOMAIN_LABELS, PARTNER_LABELS } from '../../domain/reference';
import { validateProcedure, validateRelay, type FieldError } from '../../domain/validation';
import { optionsOf } from '../common/Choices';
import { COMMUNE_OPTIONS, SelectField } from '../common/SelectField';
import { TextField } from '../common/TextField';
import { useToast } from '../common/toastStore';

type Kind = 'relay' | 'procedure';
const DOMAIN_OPTIONS = optionsOf(DOMAIN_LABELS);
const PARTNER_OPTIONS = optionsOf(PARTNER_LABELS);
const EMPTY: { relay: RelayData; procedure: ProcedureData } = {
  relay: { name: '', communeInsee: '34157', address: null, schedule: null, active: true },
  procedure: { code: '', label: '', domain: 'papiers', partner: 'autre', active: true },
};

function errorOf(errors: FieldError[], path: string) {
  return errors.find((e) => e.path === path)?.message;
}

function Editor<K extends Kind>({ kind, record, onDone }: { kind: K; record: LocalRecord<K> | null; onDone: () => void }) {
  const [data, setData] = useState(record ? { ...record.data } : { ...EMPTY[kind] });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const showToast = useToast((s) => s.show);
  const set = (patch: Partial<RelayData & ProcedureData>) => setData((d) => ({ ...d, ...patch }));
  const id = record?.id ?? 'new';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const clean =
      kind === 'relay' ? { ...data, address: (data as RelayData).address?.trim() || null, schedule: (data as RelayData).schedule?.trim() || null } : data;
    const problems = kind === 'relay' ? validateRelay(clean) : validateProcedure(clean);
    setErrors(problems);
    if (problems.length) return;
    try {
      await saveRecord(kind, record?.id ?? newId(), clean as never);
      showToast({ message: kind === 'relay' ? 'Relais enregistré.' : 'Démarche enregistrée.' });
      onDone();
    } catch (error) {
      if (error instanceof ValidationError) setErrors(error.fields);
      else showToast({ message: (error as Error).message, tone: 'error' });
    }
  };

  const r = data as RelayData;
  const p = data as ProcedureData;
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-label={kind === 'relay' ? 'Relais' : 'Démarche'}>
      {kind === 'relay' ? (
        <>
          <TextField id={`relay-${id}-name`} label="Nom du relais" value={r.name} onChange={(name) => set({ name })} error={errorOf(errors, 'name')} />
          <SelectField
            id={`relay-${id}-commune`}
            label="Commune"
            value={r.communeInsee}
            options={COMMUNE_OPTIONS}
            onChange={(communeInsee) => set({ communeInsee })}
          />
          <TextField
            id={`relay-${id}-address`}
            label="Adresse"
            value={r.address ?? ''}
            onChange={(address) => set({ address })}
            error={errorOf(errors, 'address')}
          />
          <TextField
            id={`relay-${id}-schedule`}
            label="Jours habituels (ex. mardi matin)"
            value={r.schedule ?? ''}
            onChange={(schedule) => set({ schedule })}
            error={errorOf(errors, 'schedule')}
          />
        </>
      ) : (
        <>
          <TextField id={`proc-${id}-label`} label="Libellé" value={p.label} onChange={(label) => set({ label })} error={errorOf(errors, 'label')} />
          <TextField
            id={`proc-${id}-code`}
            label="Code (minuscules, chiffres, _)"
            value={p.code}
            onChange={(code) => set({ code })}
            error={errorOf(errors, 'code')}
          />
          <div className="row">
            <SelectField
              id={`proc-${id}-domain`}
              label="Domaine"
              value={p.domain}
              options={DOMAIN_OPTIONS}
              onChange={(domain) => set({ domain: domain as ProcedureData['domain'] })}
            />
            <SelectField
              id={`proc-${id}-partner`}
              label="Organisme"
              value={p.partner}
              options={PARTNER_OPTIONS}
              onChange={(partner) => set({ partner: partner as ProcedureData['partner'] })}
            />
          </div>
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={data.active} onChange={(e) => set({ active: e.target.checked })} />
        <span>Actif (proposé sur les tablettes)</span>
      </label>
      <div className="actions">
        <button type="submit" className="button button-primary">
          Enregistrer
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          Annuler
        </button>
      </div>
    </form>
  );
}

export function ReferenceList<K extends Kind>({ kind, rows }: { kind: K; rows: LocalRecord<K>[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const title = (r: LocalRecord<K>) => (kind === 'relay' ? (r.data as RelayData).name : (r.data as ProcedureData).label);
  const detail = (r: LocalRecord<K>) =>
    kind === 'relay'
      ? `${communeName((r.data as RelayData).communeInsee)}${(r.data as RelayData).schedule ? ` · ${(r.data as RelayData).schedule}` : ''}`
      : `${DOMAIN_LABELS[(r.data as ProcedureData).domain]} · ${PARTNER_LABELS[(r.data as ProcedureData).partner]}`;
  return (
    <>
      {editing === 'new' ? (
        <Editor kind={kind} record={null} onDone={() => setEditing(null)} />
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setEditing('new')}>
          {kind === 'relay' ? 'Ajouter un relais' : 'Ajouter une démarche'}
        </button>
      )}
      <ul className="entries">
        {rows.map((r) =>
          editing === r.id ? (
            <li key={r.id}>
              <Editor kind={kind} record={r} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={r.id} className="entry entry-static">
              <span className="entry-main">
                <strong>{title(r)}</strong>
                <span className="entry-detail">
                  {detail(r)}
                  {r.data.active ? '' : ' · inactif'}
                </span>
              </span>
              <button type="button" className="button button-ghost button-small" onClick={() => setEditing(r.id)} aria-label={`Modifier ${title(r)}`}>
                Modifier
              </button>
            </li>
          ),
        )}
      </ul>
    </>
  );
}
