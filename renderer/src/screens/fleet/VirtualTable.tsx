import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef } from 'react';

/** One column: its header and how a row renders in it. */
export interface Column<T> {
  key: string;
  header: string;
  /** CSS width (the table has a fixed layout so rows never change height). */
  width: string;
  render(row: T): ReactNode;
}

/** Rows are one line each, so the virtualizer knows every row's height without measuring. */
export const ROW_HEIGHT = 36;
// Fetch the next page while this many loaded rows are still below the viewport: the page arrives
// before the user reaches the end, and a fast fling still asks for one page at a time.
const PREFETCH_ROWS = 40;

/**
 * A table whose body renders only the rows in view (plus a few), inside its own scroll box. The
 * header stays; rows above and below the window are replaced by two spacer rows. `aria-rowcount`
 * tells screen readers how many rows the whole result has, `aria-rowindex` where each row is.
 */
export function VirtualTable<T>({
  label,
  rows,
  columns,
  rowKey,
  total,
  done,
  loading,
  onNearEnd,
}: {
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey(row: T, index: number): string;
  /** Rows of the whole result when known (for aria-rowcount). */
  total: number | undefined;
  done: boolean;
  loading: boolean;
  /** Called when the user scrolls close to the last loaded row and more rows remain. */
  onNearEnd(): void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (!done && !loading && rows.length > 0 && lastIndex >= rows.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, rows.length, done, loading, onNearEnd]);

  const paddingTop = items.length ? items[0]!.start : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const span = columns.length;

  return (
    <section
      className="vtable-scroll"
      ref={scrollRef}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box must take focus to scroll by keyboard
      tabIndex={0}
      aria-label={`${label}, scroll to load more`}
    >
      <table className="vtable" aria-label={label} aria-rowcount={(total ?? rows.length) + 1}>
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr className="vtable-spacer">
              <td colSpan={span} style={{ height: paddingTop }} aria-hidden="true" />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <tr key={rowKey(row, item.index)} aria-rowindex={item.index + 2} className="vtable-row">
                {columns.map((c) => (
                  <td key={c.key}>{c.render(row)}</td>
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 ? (
            <tr className="vtable-spacer">
              <td colSpan={span} style={{ height: paddingBottom }} aria-hidden="true" />
            </tr>
          ) : null}
        </tbody>
      </table>
      {!done && rows.length > 0 ? (
        <p className="vtable-more muted" aria-live="polite">
          {loading ? 'Loading more…' : 'Scroll for more'}
        </p>
      ) : null}
    </section>
  );
}
