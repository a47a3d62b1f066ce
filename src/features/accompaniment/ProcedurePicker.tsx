/**
 * Choosing the procedures: her recent ones as chips, the whole catalogue by typing. Each chosen
 * procedure is stored as a snapshot {code, domain, partner} of its catalogue entry.
 */
import { useId, useMemo, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import type { ProcedureRef } from '../../domain/records';
import { DOMAIN_LABELS, PARTNER_LABELS } from '../../domain/reference';
import { searchCatalogue, type CatalogueEntry } from '../../domain/usage';
import { Group } from '../common/Choices';

const SHORTLIST = 8;
const RESULTS = 12;

interface Props {
  catalogue: readonly LocalRecord<'procedure'>[];
  recentCodes: readonly string[];
  selected: readonly ProcedureRef[];
  onChange: (next: ProcedureRef[]) => void;
  error?: string;
}

export function ProcedurePicker({ catalogue, recentCodes, selected, onChange, error }: Props) {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const entries: CatalogueEntry[] = useMemo(() => catalogue.map((p) => ({ id: p.id, ...p.data })), [catalogue]);
  const byCode = useMemo(() => new Map(entries.map((e) => [e.code, e])), [entries]);
  const selectedCodes = selected.map((p) => p.code);

  const shown = useMemo(() => {
    if (query.trim()) {
      return searchCatalogue(entries, query, recentCodes, (p) => `${DOMAIN_LABELS[p.domain]} ${PARTNER_LABELS[p.partner]}`)
        .slice(0, RESULTS)
        .map((e) => e.code);
    }
    // Recent first, then the catalogue's own order; chosen ones always stay visible.
    const active = entries.filter((e) => e.active).map((e) => e.code);
    const ordered = [...recentCodes.filter((c) => active.includes(c)), ...active.filter((c) => !recentCodes.includes(c))];
    const list = ordered.slice(0, SHORTLIST);
    return [...selectedCodes.filter((c) => !list.includes(c)), ...list];
  }, [entries, query, recentCodes, selectedCodes]);

  const toggle = (code: string, checked: boolean) => {
    if (!checked) return onChange(selected.filter((p) => p.code !== code));
    const entry = byCode.get(code);
    if (!entry || selectedCodes.includes(code)) return;
    onChange([...selected, { code: entry.code, domain: entry.domain, partner: entry.partner }]);
  };

  return (
    <Group id="field-procedures" legend="Démarches" error={error}>
      <div className="field field-search">
        <label htmlFor={searchId}>Rechercher une démarche</label>
        <input
          id={searchId}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="ex. CAF, carte grise, ameli…"
          autoComplete="off"
          enterKeyHint="search"
        />
      </div>
      <div className="chips chips-procedures" aria-live="polite">
        {shown.map((code) => (
          <label key={code} className="chip">
            <input type="checkbox" checked={selectedCodes.includes(code)} onChange={(e) => toggle(code, e.target.checked)} />
            <span>{byCode.get(code)?.label ?? code}</span>
          </label>
        ))}
        {shown.length === 0 && <p className="muted">Aucune démarche ne correspond. Essayez un autre mot, ou « Autre démarche ».</p>}
      </div>
    </Group>
  );
}
