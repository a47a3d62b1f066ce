/**
 * Large tappable chips on native inputs: radios for one choice, checkboxes for several. Native
 * inputs keep keyboard use (arrows, space) and screen-reader names for free.
 */
import type { ReactNode } from 'react';

interface GroupProps {
  id: string;
  legend: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}

/** A fieldset with its legend, an optional hint and the error shown next to it. */
export function Group({ id, legend, error, hint, children, className }: GroupProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={`group ${error ? 'group-error' : ''} ${className ?? ''}`} id={id} aria-describedby={described} aria-invalid={error ? true : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

interface RadioChipsProps<T extends string | number> {
  name: string;
  options: readonly { value: T; label: string }[];
  value: T | null;
  onChange: (value: T) => void;
}

export function RadioChips<T extends string | number>({ name, options, value, onChange }: RadioChipsProps<T>) {
  return (
    <div className="chips">
      {options.map((o) => (
        <label key={String(o.value)} className="chip">
          <input type="radio" name={name} value={String(o.value)} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}

interface CheckChipsProps<T extends string> {
  options: readonly { value: T; label: string }[];
  values: readonly T[];
  onToggle: (value: T, checked: boolean) => void;
}

export function CheckChips<T extends string>({ options, values, onToggle }: CheckChipsProps<T>) {
  return (
    <div className="chips">
      {options.map((o) => (
        <label key={o.value} className="chip">
          <input type="checkbox" checked={values.includes(o.value)} onChange={(e) => onToggle(o.value, e.target.checked)} />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}

/** Options of a closed list from its labels, in the list's order. */
export function optionsOf<K extends string>(labels: Readonly<Record<K, string>>): { value: K; label: string }[] {
  return (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));
}
