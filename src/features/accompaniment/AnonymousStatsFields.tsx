/** Optional anonymous statistics of the person helped: nothing here identifies anyone. */
import type { AnonymousStats } from '../../domain/records';
import { AGE_BRACKET_LABELS, GENDER_LABELS, SOCIAL_STATUS_LABELS, TERRITORY_INSEE } from '../../domain/reference';
import { Group, optionsOf, RadioChips } from '../common/Choices';
import { COMMUNE_OPTIONS, OptionList } from '../common/SelectField';

interface Props {
  value: AnonymousStats;
  onChange: (next: AnonymousStats) => void;
  error?: string;
}

const OTHER = 'autre';

export function AnonymousStatsFields({ value, onChange, error }: Props) {
  const set = <K extends keyof AnonymousStats>(key: K, v: AnonymousStats[K]) => onChange({ ...value, [key]: v });
  const residence = value.residenceInsee;
  const residenceChoice = residence === null ? '' : TERRITORY_INSEE.has(residence) ? residence : OTHER;

  return (
    <Group id="field-anonymous" legend="Statistiques anonymes (facultatif)" error={error} className="group-plain">
      <label className="check">
        <input type="checkbox" checked={value.alreadyHelped} onChange={(e) => set('alreadyHelped', e.target.checked)} />
        <span>Déjà accompagnée auparavant</span>
      </label>
      <div className="row">
        <div className="field">
          <label htmlFor="residence">Commune de résidence</label>
          <select
            id="residence"
            value={residenceChoice}
            onChange={(e) => {
              const v = e.target.value;
              set('residenceInsee', v === '' ? null : v === OTHER ? '' : v);
            }}
          >
            <option value="">Non précisée</option>
            <OptionList options={COMMUNE_OPTIONS} />
            <option value={OTHER}>Autre commune…</option>
          </select>
        </div>
        {residenceChoice === OTHER && (
          <div className="field">
            <label htmlFor="residence-other">Code INSEE de la commune</label>
            <input
              id="residence-other"
              inputMode="numeric"
              maxLength={5}
              value={residence ?? ''}
              onChange={(e) => set('residenceInsee', e.target.value.toUpperCase().trim())}
              placeholder="ex. 34172"
            />
          </div>
        )}
      </div>
      <label className="check">
        <input type="checkbox" checked={value.qpv} onChange={(e) => set('qpv', e.target.checked)} />
        <span>Habite un quartier prioritaire (QPV)</span>
      </label>
      <Group id="field-age" legend="Tranche d’âge" className="group-plain">
        <RadioChips name="ageBracket" options={optionsOf(AGE_BRACKET_LABELS)} value={value.ageBracket} onChange={(v) => set('ageBracket', v)} />
      </Group>
      <Group id="field-gender" legend="Genre" className="group-plain">
        <RadioChips name="gender" options={optionsOf(GENDER_LABELS)} value={value.gender} onChange={(v) => set('gender', v)} />
      </Group>
      <Group id="field-status" legend="Situation" className="group-plain">
        <RadioChips name="socialStatus" options={optionsOf(SOCIAL_STATUS_LABELS)} value={value.socialStatus} onChange={(v) => set('socialStatus', v)} />
      </Group>
    </Group>
  );
}
