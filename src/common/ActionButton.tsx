import { Button, LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** How an action looks: the one primary action, ordinary ones, destructive ones. */
export type ActionKind = 'primary' | 'default' | 'destructive';

export interface IActionButtonProps {
  label: string;
  icon?: LabIcon;
  /** Longer description for the tooltip; the label when absent. */
  title?: string;
  kind?: ActionKind;
  /** Show only the icon (the label stays the accessible name and tooltip). */
  iconOnly?: boolean;
  disabled?: boolean;
  /** Why the action is disabled, in the tooltip. */
  disabledReason?: string;
  onClick: (event: React.MouseEvent<HTMLButtonElement>) => void;
  /** "submit" for a form's main button. */
  type?: 'button' | 'submit';
  className?: string;
  /** Extra attributes, e.g. aria-expanded. */
  [attribute: `aria-${string}` | `data-${string}`]: unknown;
}

/**
 * A JupyterLab button with an icon: primary actions are filled, ordinary
 * ones outlined, destructive ones in the error colour; disabled ones are
 * faded and say why in their tooltip.
 */
export function ActionButton(props: IActionButtonProps): JSX.Element {
  const {
    label,
    icon,
    title,
    kind = 'default',
    iconOnly,
    disabled,
    disabledReason,
    onClick,
    type = 'button',
    className,
    ...rest
  } = props;
  const tooltip =
    disabled && disabledReason ? disabledReason : (title ?? label);
  return (
    <Button
      {...rest}
      type={type}
      small
      className={`jp-vre-ActionButton jp-mod-${kind}${
        iconOnly ? ' jp-mod-iconOnly' : ''
      } ${className ?? ''}`}
      disabled={disabled}
      aria-disabled={disabled ? true : undefined}
      aria-label={iconOnly ? label : undefined}
      title={tooltip}
      onClick={onClick}
    >
      {icon && <icon.react tag="span" className="jp-vre-ActionButton-icon" />}
      {!iconOnly && <span className="jp-vre-ActionButton-label">{label}</span>}
    </Button>
  );
}

export interface IActionBarProps {
  /** What the actions act on, e.g. "Actions on 3 selected DIDs". */
  label: string;
  children: React.ReactNode;
  /** Sticks to the bottom of the scrolling panel while its content scrolls. */
  sticky?: boolean;
  className?: string;
}

/**
 * A row of actions (ARIA toolbar): one Tab stop, arrow keys move between
 * buttons. Destructive buttons are kept apart at the end.
 */
export function ActionBar(props: IActionBarProps): JSX.Element {
  const { label, children, sticky, className } = props;
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) {
      return;
    }
    const buttons = Array.from(
      event.currentTarget.querySelectorAll<HTMLButtonElement>(
        'button:not(:disabled)'
      )
    );
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0 || buttons.length === 0) {
      return;
    }
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? buttons.length - 1
          : (at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) %
            buttons.length;
    buttons[next].focus();
    event.preventDefault();
  };
  return (
    <div
      role="toolbar"
      aria-label={label}
      className={`jp-vre-ActionBar${sticky ? ' jp-mod-sticky' : ''} ${
        className ?? ''
      }`}
      onKeyDown={onKeyDown}
    >
      {children}
    </div>
  );
}

/** Keeps destructive actions apart from the others in an action bar. */
export function ActionSeparator(): JSX.Element {
  return <span className="jp-vre-ActionBar-separator" aria-hidden="true" />;
}

/** What a state badge says about its subject. */
export type BadgeKind = 'success' | 'info' | 'warning' | 'error' | 'neutral';

/**
 * A state in words with a coloured mark: the text keeps the body colour (AA
 * contrast in every theme), the colour is only on the mark and the border.
 */
export function Badge(props: {
  kind: BadgeKind;
  children: React.ReactNode;
  title?: string;
  className?: string;
}): JSX.Element {
  const { kind, children, title, className } = props;
  return (
    <span
      className={`jp-vre-Badge jp-mod-${kind} ${className ?? ''}`}
      title={title}
    >
      <span className="jp-vre-Badge-mark" aria-hidden="true" />
      {children}
    </span>
  );
}
