/**
 * The last 12 weeks: accompaniments per week as bars stacked by commune, people as a line.
 * Plain SVG (no chart library in the bundle), with the same figures in a table for screen readers.
 */
import { communeName } from '../../domain/reference';
import type { Tally } from '../../domain/tally';

const COLORS = [
  '#0b5d55',
  '#d97706',
  '#2563eb',
  '#9333ea',
  '#dc2626',
  '#65a30d',
  '#0891b2',
  '#be185d',
  '#57534e',
  '#a16207',
  '#4338ca',
  '#15803d',
  '#7c2d12',
  '#334155',
];

export function WeekChart({ weeks }: { weeks: { label: string; tally: Tally }[] }) {
  const communes = [
    ...new Set(
      weeks.flatMap((w) =>
        Object.entries(w.tally.byCommune)
          .filter(([, c]) => c.accompaniments > 0)
          .map(([k]) => k),
      ),
    ),
  ].sort((a, b) => communeName(a).localeCompare(communeName(b), 'fr'));
  const max = Math.max(1, ...weeks.map((w) => Math.max(w.tally.totals.accompaniments, w.tally.totals.people)));
  const W = 720;
  const H = 240;
  const pad = { left: 36, bottom: 28, top: 12 };
  const step = (W - pad.left) / weeks.length;
  const y = (v: number) => H - pad.bottom - (v / max) * (H - pad.bottom - pad.top);
  const peopleLine = weeks.map((w, i) => `${pad.left + step * i + step / 2},${y(w.tally.totals.people)}`).join(' ');

  return (
    <figure className="chart">
      <figcaption>Accompagnements (barres, par commune) et personnes (ligne) sur 12 semaines</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Graphique des 12 dernières semaines (détail dans le tableau qui suit)">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={pad.left} x2={W} y1={y(max * f)} y2={y(max * f)} stroke="#c9cfcc" strokeDasharray="3 3" />
            <text x={pad.left - 6} y={y(max * f) + 4} textAnchor="end" fontSize="11" fill="#44514e">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {weeks.map((w, i) => {
          let base = 0;
          return (
            <g key={w.label}>
              {communes.map((c, ci) => {
                const v = w.tally.byCommune[c]?.accompaniments ?? 0;
                if (!v) return null;
                const rect = (
                  <rect
                    key={c}
                    x={pad.left + step * i + step * 0.18}
                    width={step * 0.64}
                    y={y(base + v)}
                    height={y(base) - y(base + v)}
                    fill={COLORS[ci % COLORS.length]}
                  />
                );
                base += v;
                return rect;
              })}
              <text x={pad.left + step * i + step / 2} y={H - 8} textAnchor="middle" fontSize="11" fill="#44514e">
                {w.label}
              </text>
            </g>
          );
        })}
        <polyline points={peopleLine} fill="none" stroke="#17211f" strokeWidth="2.5" />
        {weeks.map((w, i) => (
          <circle key={w.label} cx={pad.left + step * i + step / 2} cy={y(w.tally.totals.people)} r="3.5" fill="#17211f" />
        ))}
      </svg>
      <ul className="legend">
        {communes.map((c, ci) => (
          <li key={c}>
            <span className="swatch" style={{ background: COLORS[ci % COLORS.length] }} aria-hidden="true" />
            {communeName(c)}
          </li>
        ))}
        <li>
          <span className="swatch swatch-line" aria-hidden="true" />
          Personnes
        </li>
      </ul>
      <table className="sr-only">
        <caption>12 dernières semaines</caption>
        <thead>
          <tr>
            <th scope="col">Semaine</th>
            <th scope="col">Accompagnements</th>
            <th scope="col">Personnes</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.label}>
              <th scope="row">{w.label}</th>
              <td>{w.tally.totals.accompaniments}</td>
              <td>{w.tally.totals.people}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
