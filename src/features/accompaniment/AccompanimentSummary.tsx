/** One accompaniment as a line of a list: readable at a glance, a tap opens it. */
import type { LocalRecord } from '../../db/database';
import { parisTime } from '../../domain/calendar';
import { durationLabel } from '../../domain/format';
import { OUTCOME_LABELS, POSTURE_LABELS, REFERRAL_LABELS } from '../../domain/reference';
import { hrefOf } from '../../platform/router';

interface Props {
  record: LocalRecord<'accompaniment'>;
  procedureLabel: (code: string) => string;
  pending: boolean;
  /** The server refused its last change (rejected or in conflict). */
  refused?: boolean;
  showTime?: boolean;
  /** Who created it, when it is someone else's (a coordinator's tablet holds everyone's). */
  author?: string | null;
}

export function AccompanimentSummary({ record, procedureLabel, pending, refused = false, showTime = true, author = null }: Props) {
  const a = record.data;
  const procedures = a.procedures.map((p) => procedureLabel(p.code)).join(', ');
  const outcome = a.outcome === 'orientee' && a.referral ? `Orienté : ${REFERRAL_LABELS[a.referral.target]}` : OUTCOME_LABELS[a.outcome];
  return (
    <li>
      <a className="entry" href={hrefOf({ name: 'editAccompaniment', id: record.id })}>
        {showTime && <span className="entry-time">{parisTime(new Date(record.createdAt))}</span>}
        <span className="entry-main">
          <strong>{procedures}</strong>
          <span className="entry-detail">
            {POSTURE_LABELS[a.posture]} · {outcome} · {durationLabel(a.durationMinutes)}
            {author && <span className="entry-author"> · saisi par {author}</span>}
          </span>
        </span>
        {refused ? (
          <span className="badge badge-error badge-small">À corriger</span>
        ) : (
          pending && <span className="badge badge-pending badge-small">À synchroniser</span>
        )}
      </a>
    </li>
  );
}
