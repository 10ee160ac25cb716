// A line chart of a figure over periods, drawn by Apache ECharts. Only what it draws is
// imported (echarts/core, the line chart, grid, tooltip, legend, the SVG renderer), and only
// the assessment page imports this component, so ECharts is in that page's lazy chunk, never in
// the first load (bench/consoleFirstLoad.ts). The chart is a picture to assistive technology:
// its accessible name carries the values, and a visually hidden table gives them as data.
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

interface Point {
  label: string;
  value: number | null;
}

const H = 180;
// The console's theme colours, AA contrast on white.
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
  const box = useRef<HTMLDivElement>(null);
  const fmt = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}${unit}`);
  const series = [{ name: firstName ?? title, values: points.map((p) => p.value) }, ...(second ? [{ name: second.name, values: second.points }] : [])];
  const label = `${title}: ${series.map((s) => `${s.name} ${points.map((p, i) => `${p.label} ${fmt(s.values[i] ?? null)}`).join(', ')}`).join('; ')}`;
  // One key for the data the chart draws: the effect below redraws only when it changes.
  const key = JSON.stringify({ labels: points.map((p) => p.label), series, max, unit });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'svg' });
    const data = JSON.parse(key) as { labels: string[]; series: Array<{ name: string; values: Array<number | null> }>; max: number; unit: string };
    chart.setOption({
      // Our own accessible name is on the container; ECharts' generated description would repeat it.
      aria: { enabled: false },
      animation: false,
      color: COLOURS,
      grid: { left: 36, right: 16, top: data.series.length > 1 ? 28 : 12, bottom: 24 },
      legend: data.series.length > 1 ? { top: 0, textStyle: { color: '#374151' } } : { show: false },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)}${data.unit}` : '—') },
      xAxis: { type: 'category', data: data.labels, axisLabel: { color: '#4b5563' } },
      yAxis: { type: 'value', min: 0, max: data.max, interval: data.max / 2, axisLabel: { color: '#4b5563' } },
      series: data.series.map((s) => ({ name: s.name, type: 'line', data: s.values, connectNulls: false, symbolSize: 6 })),
    });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  }, [key]);

  return (
    <figure style={{ margin: 0 }} data-testid="trend-chart">
      <figcaption className="coe-muted" style={{ fontSize: 13 }}>
        {title}
      </figcaption>
      <div ref={box} role="img" aria-label={label} style={{ width: '100%', maxWidth: 480, height: H }} />
      <table className="coe-sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <td />
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              {series.map((s) => (
                <td key={s.name}>{fmt(s.values[i] ?? null)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
