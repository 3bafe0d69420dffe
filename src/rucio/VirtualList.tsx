import React, { useEffect, useRef, useState } from 'react';

export interface IVirtualListProps<T> {
  items: readonly T[];
  /** Every row has this height, in pixels. */
  rowHeight: number;
  /** Rows rendered above and below the visible ones. */
  overscan?: number;
  /** The index of the active row (keyboard focus), or -1. */
  active: number;
  itemKey: (item: T) => string;
  renderItem: (item: T, index: number, active: boolean) => React.ReactNode;
  /** Told which rows are rendered, e.g. to load their details. */
  onRendered?: (items: readonly T[]) => void;
  onKeyDown?: (event: React.KeyboardEvent<HTMLDivElement>) => void;
  onFocus?: () => void;
  /** Whether a row is selected (several may be); the active one when absent. */
  isSelected?: (item: T, index: number) => boolean;
  /** Given the list element, e.g. to focus it again after an action. */
  listRef?: React.MutableRefObject<HTMLDivElement | null>;
  label: string;
  id: string;
  className?: string;
}

/** The height used before the list could be measured (e.g. while hidden). */
const FALLBACK_HEIGHT = 400;

/**
 * A list that renders only the rows in view (plus `overscan`), each
 * absolutely placed: a hundred thousand rows cost as much as thirty.
 */
export function VirtualList<T>(props: IVirtualListProps<T>): JSX.Element {
  const { items, rowHeight, active, itemKey, renderItem, onRendered } = props;
  const overscan = props.overscan ?? 10;
  const outer = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);

  useEffect(() => {
    const node = outer.current;
    if (!node || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(() => {
      if (node.clientHeight > 0) {
        setHeight(node.clientHeight);
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  // Keep the active row in view when the keyboard moves it.
  useEffect(() => {
    const node = outer.current;
    if (!node || active < 0) {
      return;
    }
    const top = active * rowHeight;
    if (top < node.scrollTop) {
      node.scrollTop = top;
    } else if (top + rowHeight > node.scrollTop + node.clientHeight) {
      node.scrollTop = top + rowHeight - node.clientHeight;
    }
  }, [active, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(
    items.length,
    Math.ceil((scrollTop + height) / rowHeight) + overscan
  );
  const shown = items.slice(first, last);

  useEffect(() => {
    onRendered?.(shown);
  });

  return (
    <div
      ref={node => {
        outer.current = node;
        if (props.listRef) {
          props.listRef.current = node;
        }
      }}
      id={props.id}
      className={`jp-vre-VirtualList ${props.className ?? ''}`}
      role="listbox"
      aria-multiselectable={props.isSelected ? true : undefined}
      aria-label={props.label}
      aria-activedescendant={
        active >= 0 && active < items.length
          ? `${props.id}-${active}`
          : undefined
      }
      tabIndex={0}
      onKeyDown={props.onKeyDown}
      onFocus={props.onFocus}
      onScroll={event => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div
        className="jp-vre-VirtualList-inner"
        style={{ height: items.length * rowHeight, position: 'relative' }}
      >
        {shown.map((item, offset) => {
          const index = first + offset;
          return (
            <div
              key={itemKey(item)}
              id={`${props.id}-${index}`}
              className="jp-vre-VirtualList-row"
              role="option"
              aria-selected={
                props.isSelected
                  ? props.isSelected(item, index)
                  : index === active
              }
              style={{
                position: 'absolute',
                top: index * rowHeight,
                height: rowHeight,
                left: 0,
                right: 0
              }}
            >
              {renderItem(item, index, index === active)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
