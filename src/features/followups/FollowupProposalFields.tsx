/**
 * « Doit revenir » in the accompaniment form: the proposed follow-up (« À suivre »): what —
 * prefilled from the procedures and following them until she types —, for whom (the chosen
 * person, or a few words for an anonymous visit), due date; commune and relay are the visit's.
 * Saved with the visit. She can decline it. A visit edited again that already has its
 * follow-up shows that one instead (the save never adds a second).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { followupOfVisit } from '../../db/followups';
import type { LocalRecord } from '../../db/database';
import type { FormState } from '../accompaniment/formModel';
import { Group, RadioChips } from '../common/Choices';
import { TextField } from '../common/TextField';
import { addDays } from '../../domain/dates';
import { DUE_PRESETS, newProposal, proposedLabel, type FollowupProposal } from './followupModel';

interface Props {
  state: FormState;
  update: (patch: Partial<FormState>) => void;
  catalogue: readonly LocalRecord<'procedure'>[];
  /** The visit being edited (null for a new one). */
  visitId: string | null;
  error?: string;
}

export function FollowupProposalFields({ state: s, update, catalogue, visitId, error }: Props) {
  const existing = useLiveQuery(async () => (visitId ? ((await followupOfVisit(visitId)) ?? null) : null), [visitId]);
  const p = s.followup ?? newProposal(s.date);
  const set = (patch: Partial<FollowupProposal>) => update({ followup: { ...p, ...patch } });
  const labels = new Map(catalogue.map((c) => [c.data.code, c.data.label]));
  const label = p.label ?? proposedLabel(s.procedures, (code) => labels.get(code) ?? code);
  const preset = DUE_PRESETS.find((d) => addDays(s.date, d.days) === p.dueOn)?.days ?? null;

  if (existing === undefined) return null;
  if (existing) {
    return (
      <Group id="field-followup" legend="À suivre">
        <p>Un suivi existe déjà pour cet accompagnement : « {existing.data.label} ».</p>
      </Group>
    );
  }
  return (
    <Group id="field-followup" legend="À suivre" error={p.wanted ? error : undefined}>
      <label className="check">
        <input type="checkbox" checked={p.wanted} onChange={(e) => set({ wanted: e.target.checked })} />
        <span>Créer un suivi pour son retour</span>
      </label>
      {p.wanted && (
        <>
          <TextField id="followup-label" label="À faire ou vérifier" value={label} maxLength={200} onChange={(v) => set({ label: v })} />
          {s.beneficiaryId ? null : (
            <TextField
              id="followup-who"
              label="Pour qui (quelques mots pour la reconnaître)"
              value={p.forWhom}
              maxLength={60}
              placeholder="ex. dame du mardi, carte grise"
              onChange={(forWhom) => set({ forWhom })}
            />
          )}
          <RadioChips
            name="followup-due"
            value={preset}
            options={DUE_PRESETS.map((d) => ({ value: d.days, label: d.label }))}
            onChange={(days) => set({ dueOn: addDays(s.date, days) })}
          />
          <div className="field field-inline">
            <label htmlFor="followup-due">Pour le</label>
            <input id="followup-due" type="date" value={p.dueOn} min={s.date} onChange={(e) => set({ dueOn: e.target.value })} />
          </div>
        </>
      )}
    </Group>
  );
}
