import { JupyterFrontEnd } from '@jupyterlab/application';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

/** What a notebook cell needs to read one file of a Zenodo record. */
export interface IRecordFileRef {
  recordId: number;
  doi: string | null;
  name: string;
  url: string;
  /** The workspace folder "Fetch to workspace" uses for the record. */
  folder: string;
}

/**
 * A cell that fetches the file once (from Zenodo, into the record's folder)
 * and names it `path`: Python, R or Julia; other kernels get a comment.
 */
export function recordFileCode(language: string, ref: IRecordFileRef): string {
  const path = `${ref.folder}/${ref.name}`;
  const cite = `# Zenodo record ${ref.recordId}${ref.doi ? ` (DOI ${ref.doi})` : ''}: ${ref.name}`;
  const quoted = (text: string) => JSON.stringify(text);
  switch (language.toLowerCase()) {
    case 'python':
      return [
        cite,
        'from pathlib import Path',
        'from urllib.request import urlretrieve',
        '',
        `path = Path(${quoted(path)})`,
        'if not path.exists():',
        '    path.parent.mkdir(parents=True, exist_ok=True)',
        `    urlretrieve(${quoted(ref.url)}, path)`
      ].join('\n');
    case 'r':
      return [
        cite,
        `path <- ${quoted(path)}`,
        'if (!file.exists(path)) {',
        '  dir.create(dirname(path), recursive = TRUE, showWarnings = FALSE)',
        `  download.file(${quoted(ref.url)}, path, mode = "wb")`,
        '}'
      ].join('\n');
    case 'julia':
      return [
        cite,
        `path = ${quoted(path)}`,
        'isfile(path) || (mkpath(dirname(path)); download(' +
          `${quoted(ref.url)}, path))`
      ].join('\n');
    default:
      return `${cite}\n# Download: ${ref.url}\n# Into: ${path}`;
  }
}

/** The notebook in the main area, if the current widget is one. */
export function currentNotebook(app: JupyterFrontEnd): NotebookPanel | null {
  const widget = app.shell.currentWidget;
  return widget instanceof NotebookPanel ? widget : null;
}

/**
 * The notebook's kernel language: the running kernel's, else its metadata's.
 * (src/rucio/notebooks.ts reads it the same way; panels share only src/common.)
 */
export async function notebookLanguage(panel: NotebookPanel): Promise<string> {
  const kernel = panel.sessionContext.session?.kernel;
  let name: string | undefined;
  if (kernel) {
    try {
      name = (await kernel.info).language_info.name;
    } catch {
      // fall back to the metadata
    }
  }
  const info = panel.model?.getMetadata('language_info') as
    { name?: string } | undefined;
  const spec = panel.model?.getMetadata('kernelspec') as
    { language?: string } | undefined;
  const language = (name ?? info?.name ?? spec?.language ?? '').toLowerCase();
  return ['python3', 'ipython'].includes(language) ? 'python' : language;
}

/** A new code cell below the active one, holding `code`. */
export function insertCell(panel: NotebookPanel, code: string): void {
  NotebookActions.insertBelow(panel.content);
  const cell = panel.content.activeCell;
  if (cell) {
    cell.model.sharedModel.setSource(code);
  }
}
