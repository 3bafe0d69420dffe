/**
 * The server's reana.yaml verdict as editor diagnostics: each message on its line, and
 * one request at a time per editor (a newer text cancels the check of an older one).
 */
import type { IValidationMessage, IValidationReport } from '../api';
import { asAPIError } from '../../common/request';

/** The shape of @codemirror/lint's Diagnostic that this module fills. */
export interface IDiagnostic {
  from: number;
  to: number;
  severity: 'error' | 'warning' | 'info';
  source: string;
  message: string;
}

/** Lines of the text that was checked: `line(n)` gives the n-th (1-based). */
export interface ILines {
  readonly lines: number;
  line(n: number): { from: number; to: number; text: string };
}

export const SOURCE = 'REANA';

/**
 * Each message underlines its line, from its first character to its end; a message
 * without a line (about the whole file) underlines the first line.
 */
export function toDiagnostics(
  messages: readonly IValidationMessage[],
  doc: ILines
): IDiagnostic[] {
  return messages.map(message => {
    const number = Math.min(Math.max(message.line ?? 1, 1), doc.lines);
    const line = doc.line(number);
    const indent = line.text.length - line.text.trimStart().length;
    return {
      from: line.from + Math.min(indent, line.text.length),
      to: line.to,
      severity: message.severity,
      source: SOURCE,
      message: message.message
    };
  });
}

export type Validate = (
  path: string,
  text: string,
  signal: AbortSignal
) => Promise<IValidationReport>;

/** Checks one editor's text on the server; a new check cancels the one still running. */
export class Checker {
  constructor(private readonly validate: Validate) {}

  /** The diagnostics of `text`, or null when a newer check replaced this one. */
  async check(path: string, doc: ILines & { toString(): string }) {
    this._running?.abort();
    const running = new AbortController();
    this._running = running;
    try {
      const report = await this.validate(path, doc.toString(), running.signal);
      return running.signal.aborted
        ? null
        : toDiagnostics(report.messages, doc);
    } catch (reason) {
      if (running.signal.aborted) {
        return null;
      }
      // The check itself failed (server gone, file too large): say so where the user looks.
      const line = doc.line(1);
      const failed: IDiagnostic = {
        from: line.from,
        to: line.to,
        severity: 'info',
        source: SOURCE,
        message: `REANA could not check this file: ${asAPIError(reason).message}`
      };
      return [failed];
    } finally {
      if (this._running === running) {
        this._running = null;
      }
    }
  }

  /** Cancels the running check (the editor closed). */
  dispose(): void {
    this._running?.abort();
    this._running = null;
  }

  private _running: AbortController | null = null;
}
