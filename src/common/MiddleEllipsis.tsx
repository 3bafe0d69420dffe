import React from 'react';

/** How many characters of the end of a name stay visible. */
const TAIL = 12;

/**
 * Split a name so its end stays readable when it is cut: the head shrinks
 * with an ellipsis, the tail (the part that tells siblings apart) does not.
 */
export function splitForEllipsis(name: string, tail = TAIL): [string, string] {
  if (name.length <= tail * 2) {
    return [name, ''];
  }
  return [name.slice(0, name.length - tail), name.slice(name.length - tail)];
}

/** The scope-less name of a `scope:name` DID when its scope is already shown. */
export function withoutScope(did: string, shownScope: string | null): string {
  if (!shownScope) {
    return did;
  }
  const prefix = `${shownScope}:`;
  return did.startsWith(prefix) ? did.slice(prefix.length) : did;
}

export interface IMiddleEllipsisProps {
  /** What is shown, possibly cut in the middle. */
  text: string;
  /** The full name for the tooltip and screen readers; `text` when absent. */
  title?: string;
  className?: string;
}

/** A one-line name cut in the middle, with the full name in its tooltip. */
export function MiddleEllipsis(props: IMiddleEllipsisProps): JSX.Element {
  const { text, title, className } = props;
  const [head, tail] = splitForEllipsis(text);
  return (
    <span
      className={`jp-vre-MiddleEllipsis ${className ?? ''}`}
      title={title ?? text}
    >
      <span className="jp-vre-MiddleEllipsis-head">{head}</span>
      {tail && <span className="jp-vre-MiddleEllipsis-tail">{tail}</span>}
    </span>
  );
}
