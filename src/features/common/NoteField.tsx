/**
 * A free-text note with the privacy warning every note carries (domain.md §2): no health details,
 * no passwords, nothing of her situation beyond what is needed. The warning and the error are
 * read out with the field.
 */
import { NOTE_MAX } from '../../domain/validation';

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}

export function NoteField({ id, label, value, onChange, error }: Props) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="warning" id={`${id}-warning`}>
        Pas de détail de santé, pas de mot de passe, rien de la situation personnelle au-delà du nécessaire.
      </p>
      <textarea
        id={id}
        rows={3}
        maxLength={NOTE_MAX}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-warning${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
