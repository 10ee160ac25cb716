// A small line chart of a figure over periods, in plain SVG. The project's chart library
// (Apache ECharts) is not installed here; this draws the assessment's trends without it and,
// like the page using it, loads only with the assessment page. The values are also in the
// chart's accessible name, so a screen reader gets the numbers, not a picture.
interface Point {
  label: string;
  value: number | null;
}

const W = 360;
const H = 160;
const PAD = { left: 32, right: 24, top: 12, bottom: 28 };
const COLOURS = ['#1d4ed8', '#b45309'];

export function TrendChart({
  title,
  points,
  second,
  firstName,
  max,
  unit = '',
}: {
  title: string;
  points: Point[];
  second?: { name: string; points: Array<number | null> };
  firstName?: string;
  max: number;
  unit?: string;
}) {
  const n = points.length;
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (1 - Math.min(v, max) / max) * (H - PAD.top - PAD.bottom);
  const path = (values: Array<number | null>) => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const fmt = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}${unit}`);
  const series = [{ name: firstName ?? title, values: points.map((p) => p.value) }, ...(second ? [{ name: second.name, values: second.points }] : [])];
  const label = `${title}: ${series.map((s) => `${s.name} ${points.map((p, i) => `${p.label} ${fmt(s.values[i] ?? null)}`).join(', ')}`).join('; ')}`;
  return (
    <figure style={{ margin: 0 }} data-testid="trend-chart">
      <figcaption className="coe-muted" style={{ fontSize: 13 }}>
        {title}
        {second &&
          series.map((s, i) => (
            <span key={s.name} style={{ marginLeft: 8, color: COLOURS[i] }}>
              ● {s.name}
            </span>
          ))}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={label} style={{ maxWidth: W }}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} stroke="#e5e7eb" />
            <text x={PAD.left - 4} y={y(max * f) + 4} fontSize="10" textAnchor="end" fill="#4b5563">
              {max * f}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <text key={p.label} x={x(i)} y={H - 8} fontSize="10" textAnchor="middle" fill="#4b5563">
            {p.label}
          </text>
        ))}
        {series.map((s, si) => (
          <g key={s.name}>
            <path d={path(s.values)} fill="none" stroke={COLOURS[si]} strokeWidth={2} />
            {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={COLOURS[si]} />))}
          </g>
        ))}
      </svg>
    </figure>
  );
}
