import { Widget } from '@lumino/widgets';

/**
 * Accessibility helpers shared by the panels: one polite live region for
 * progress, focus that survives re-rendering, the main field of a panel, and
 * the context menu from the keyboard.
 */

const LIVE_REGION_ID = 'jp-vre-live-region';

/** The page's one polite live region (visually hidden), created on first use. */
function liveRegion(): HTMLElement {
  let region = document.getElementById(LIVE_REGION_ID);
  if (!region) {
    region = document.createElement('div');
    region.id = LIVE_REGION_ID;
    region.className = 'jp-vre-LiveRegion';
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    region.setAttribute('aria-atomic', 'true');
    document.body.appendChild(region);
  }
  return region;
}

/**
 * Tell screen readers about progress or an outcome, politely. The same
 * message twice in a row is announced twice (the text is swapped, not kept).
 */
export function announce(message: string): void {
  const region = liveRegion();
  region.textContent = '';
  // A separate frame, so that assistive technology sees a change.
  window.requestAnimationFrame(() => {
    region.textContent = message;
  });
}

/** The last message announced (for tests). */
export function lastAnnouncement(): string {
  return document.getElementById(LIVE_REGION_ID)?.textContent ?? '';
}

/** Marks the element a panel focuses when it is opened (by command or tab). */
export const MAIN_FIELD_ATTRIBUTE = 'data-vre-main-field';

/** Props that mark an input as its panel's main field. */
export const mainField = { [MAIN_FIELD_ATTRIBUTE]: true };

/** Focus a widget's main field (or, lacking one or while it is disabled, its first enabled focusable element). */
export function focusMainField(widget: Widget): boolean {
  const usable = (element: HTMLElement) =>
    !element.matches(':disabled') &&
    element.getAttribute('aria-disabled') !== 'true';
  const node = widget.node;
  const main = node.querySelector<HTMLElement>(`[${MAIN_FIELD_ATTRIBUTE}]`);
  const target =
    main && usable(main)
      ? main
      : Array.from(
          node.querySelectorAll<HTMLElement>(
            'input, select, textarea, button, summary, a[href], [tabindex="0"]'
          )
        ).find(usable);
  if (!target) {
    return false;
  }
  target.focus();
  return document.activeElement === target;
}

/**
 * Focus a widget's main field once it is rendered, and again if whatever ran
 * the command (the command palette, closing) hands focus back elsewhere
 * within the next half second; never after the user clicks or types.
 */
export function focusMainFieldSoon(widget: Widget, within = 500): void {
  const until = Date.now() + within;
  let userActed = false;
  const stop = () => {
    userActed = true;
  };
  document.addEventListener('pointerdown', stop, true);
  document.addEventListener('keydown', stop, true);
  const attempt = () => {
    if (!userActed && !widget.node.contains(document.activeElement)) {
      focusMainField(widget);
    }
    if (!userActed && Date.now() < until) {
      window.setTimeout(attempt, 50);
    } else {
      document.removeEventListener('pointerdown', stop, true);
      document.removeEventListener('keydown', stop, true);
    }
  };
  window.setTimeout(attempt, 0);
}

/**
 * Run an action started from `origin` (a button, a row) and keep focus in
 * the panel: if the action re-rendered `origin` away or disabled it, focus
 * goes to `fallback()` instead of dropping to the page body.
 */
export async function keepFocus<T>(
  origin: HTMLElement | null,
  action: () => Promise<T>,
  fallback: () => HTMLElement | null
): Promise<T> {
  const restore = () => {
    const active = document.activeElement;
    const lost =
      !active ||
      active === document.body ||
      (origin !== null && active === origin && !origin.isConnected);
    if (!lost && active !== origin) {
      return; // the user moved on
    }
    const usable =
      origin?.isConnected &&
      !(origin as HTMLButtonElement).disabled &&
      origin.offsetParent !== null;
    const target = usable ? origin : fallback();
    target?.focus();
  };
  try {
    return await action();
  } finally {
    // After React has applied what the action changed.
    window.requestAnimationFrame(restore);
  }
}

/**
 * Shift+F10 or the menu key on a focused row or list opens JupyterLab's
 * context menu there, as a right click would. Returns true if handled.
 */
export function openContextMenuFromKeyboard(
  event: React.KeyboardEvent<HTMLElement> | KeyboardEvent,
  target: HTMLElement
): boolean {
  const isMenuKey =
    event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey);
  if (!isMenuKey) {
    return false;
  }
  event.preventDefault();
  event.stopPropagation();
  const box = target.getBoundingClientRect();
  target.dispatchEvent(
    new MouseEvent('contextmenu', {
      bubbles: true,
      cancelable: true,
      clientX: box.left + Math.min(24, box.width / 2),
      clientY: box.top + box.height / 2
    })
  );
  return true;
}
