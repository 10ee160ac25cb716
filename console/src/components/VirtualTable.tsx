// A plain <table> that renders only the rows in view (plus a few either side), for My work's
// thousands of cases. Written here rather than antd's Table: that one brings its filters,
// sorter menus, pagination and tree (about 60 KB gzipped) into the first page's JavaScript,
// and My work needs none of them. Rows have one fixed height, so the rows in view follow
// from the scroll offset; spacer rows above and below keep the scrollbar true.
import { useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: ReactNode;
  width: number;
  render: (row: T) => ReactNode;
}

const OVERSCAN = 6;

export function VirtualTable<T>({
  columns,
  rows,
  rowKey,
  height,
  rowHeight = 40,
  empty,
  label,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  height: number;
  rowHeight?: number;
  empty: ReactNode;
  label: string;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  const width = columns.reduce((s, c) => s + c.width, 0);
  return (
    // The scroll container is focusable so a keyboard can scroll it (axe: scrollable-region-focusable).
    <div className="coe-vtable" style={{ maxHeight: height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} tabIndex={0} role="region" aria-label={label}>
      <table style={{ width, minWidth: '100%' }} aria-rowcount={rows.length + 1}>
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="coe-vtable-empty">
                {empty}
              </td>
            </tr>
          )}
          {first > 0 && <tr aria-hidden="true" style={{ height: first * rowHeight }} />}
          {rows.slice(first, last).map((r, i) => (
            <tr key={rowKey(r)} style={{ height: rowHeight }} aria-rowindex={first + i + 2}>
              {columns.map((c) => (
                <td key={c.key}>{c.render(r)}</td>
              ))}
            </tr>
          ))}
          {last < rows.length && <tr aria-hidden="true" style={{ height: (rows.length - last) * rowHeight }} />}
        </tbody>
      </table>
    </div>
  );
}
