/** Sections of the accompaniment form: where and when, duration, equipment and note. */
import type { LocalRecord } from '../../db/database';
import { durationLabel } from '../../domain/format';
import { communeName, EQUIPMENT_LABELS, PLACE_TYPE_LABELS } from '../../domain/reference';
import { CheckChips, Group, optionsOf, RadioChips } from '../common/Choices';
import { NoteField } from '../common/NoteField';
import { COMMUNE_OPTIONS, SelectField } from '../common/SelectField';
import type { FieldKey, FormState } from './formModel';

type Update = (patch: Partial<FormState>) => void;

const ELSEWHERE = optionsOf(PLACE_TYPE_LABELS).filter((o) => o.value !== 'relay') as { value: FormState['placeType']; label: string }[];

interface WhereProps {
  state: FormState;
  update: Update;
  open: LocalRecord<'permanence'> | null;
  permanenceCommune: string | null;
  canBeInPermanence: boolean;
  today: string;
  error?: string;
}

export function WhereAndWhen({ state: s, update, open, permanenceCommune, canBeInPermanence, today, error }: WhereProps) {
  return (
    <Group id="field-place" legend="Où et quand" error={error}>
      {canBeInPermanence && (
        <RadioChips
          name="where"
          value={s.inPermanence ? 'permanence' : 'ailleurs'}
          options={[
            {
              value: 'permanence',
              label: `Pendant la permanence${permanenceCommune || open ? ` (${communeName(permanenceCommune ?? open?.data.communeInsee)})` : ''}`,
            },
            { value: 'ailleurs', label: 'Hors permanence' },
          ]}
          onChange={(v) => update(v === 'permanence' ? { inPermanence: true, permanenceId: s.permanenceId ?? open?.id ?? null } : { inPermanence: false })}
        />
      )}
      {!s.inPermanence && (
        <>
          <RadioChips name="placeType" value={s.placeType} options={ELSEWHERE} onChange={(v) => update({ placeType: v })} />
          <SelectField
            id="acc-commune"
            label="Commune"
            value={s.communeInsee}
            options={COMMUNE_OPTIONS}
            onChange={(communeInsee) => update({ communeInsee })}
          />
        </>
      )}
      <div className="field field-inline">
        <label htmlFor="acc-date">Date</label>
        <input id="acc-date" type="date" value={s.date} max={today} onChange={(e) => update({ date: e.target.value })} />
      </div>
    </Group>
  );
}

export function DurationField({ state: s, update, durations, error }: { state: FormState; update: Update; durations: number[]; error?: string }) {
  return (
    <Group id="field-duration" legend="Durée" error={error}>
      <div className="chips">
        {durations.map((d) => (
          <label key={d} className="chip">
            <input
              type="radio"
              name="duration"
              checked={!s.useCustomDuration && s.duration === d}
              onChange={() => update({ duration: d, useCustomDuration: false })}
            />
            <span>{durationLabel(d)}</span>
          </label>
        ))}
        <label className="chip">
          <input type="radio" name="duration" checked={s.useCustomDuration} onChange={() => update({ useCustomDuration: true })} />
          <span>Autre durée</span>
        </label>
      </div>
      {s.useCustomDuration && (
        <div className="field field-inline">
          <label htmlFor="acc-duration">Minutes</label>
          <input
            id="acc-duration"
            type="number"
            inputMode="numeric"
            min={1}
            max={600}
            step={1}
            value={s.customDuration}
            onChange={(e) => update({ customDuration: e.target.value })}
          />
        </div>
      )}
    </Group>
  );
}

export function EquipmentAndNote({ state: s, update, errors }: { state: FormState; update: Update; errors: Partial<Record<FieldKey, string>> }) {
  return (
    <details className="more" id="field-details" open={errors.note || errors.equipment || s.note ? true : undefined}>
      <summary>Matériel et note</summary>
      <Group id="field-equipment" legend="Matériel utilisé" error={errors.equipment} className="group-plain">
        <CheckChips
          options={optionsOf(EQUIPMENT_LABELS)}
          values={s.equipment}
          onToggle={(v, checked) => update({ equipment: checked ? [...s.equipment, v] : s.equipment.filter((x) => x !== v) })}
        />
      </Group>
      <NoteField id="acc-note" label="Note" value={s.note} onChange={(note) => update({ note })} error={errors.note} />
    </details>
  );
}
