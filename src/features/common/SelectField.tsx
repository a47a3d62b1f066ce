/** A labelled select of `{value, label}` options, with an optional "all" choice (value ''). */
import { COMMUNES } from '../../domain/reference';

export interface Option {
  value: string;
  label: string;
}

export const COMMUNE_OPTIONS: readonly Option[] = COMMUNES.map((c) => ({ value: c.insee, label: c.name }));

export function OptionList({ options }: { options: readonly Option[] }) {
  return (
    <>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}

interface Props {
  id: string;
  label: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  /** Label of an empty first choice (for filters: "Tous"). */
  empty?: string;
}

export function SelectField({ id, label, value, options, onChange, empty }: Props) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        <OptionList options={options} />
      </select>
    </div>
  );
}
