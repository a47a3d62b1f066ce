/** Choosing a commune of the territory (stored as its INSEE code). */
import { COMMUNES } from '../../domain/reference';

export function CommuneOptions() {
  return (
    <>
      {COMMUNES.map((c) => (
        <option key={c.insee} value={c.insee}>
          {c.name}
        </option>
      ))}
    </>
  );
}

export function CommuneSelect({ id, label = 'Commune', value, onChange }: { id: string; label?: string; value: string; onChange: (insee: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <CommuneOptions />
      </select>
    </div>
  );
}
