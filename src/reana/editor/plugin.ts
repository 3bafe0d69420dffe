import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry
} from '@jupyterlab/codemirror';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import type { JSONSchema7 } from 'json-schema';

import { IReanaWorkflows } from '../tokens';
import { reanaSpecExtension } from './extension';
/*! @license reana_analysis_schema.json is reana-commons' (Copyright (C) 2018-2024 CERN),
 * under the MIT License: see reana_analysis_schema.LICENSE next to it. */
import schema from './reana_analysis_schema.json';

/**
 * REANA's diagnostics and completion in the file editor. The extension is given to every
 * file editor, because an editor is made before its file's name is known; it looks the
 * name up at each check and does nothing outside reana.yaml and reana.yml.
 */
export const reanaEditorPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:reana-editor',
  description:
    "REANA's validation and schema completion in reana.yaml editors.",
  autoStart: true,
  requires: [IEditorExtensionRegistry, IEditorTracker, IReanaWorkflows],
  activate: (
    _: JupyterFrontEnd,
    registry: IEditorExtensionRegistry,
    editors: IEditorTracker,
    workflows: IReanaWorkflows
  ) => {
    registry.addExtension({
      name: 'jupyterlab-vre:reana-yaml',
      factory: ({ inline, model }) =>
        inline
          ? null
          : EditorExtensionRegistry.createImmutableExtension(
              reanaSpecExtension({
                // The file editor's model is its document's model.
                pathOf: () =>
                  editors.find(widget => widget.content.model === model)
                    ?.context.path,
                validate: (path, text, signal) =>
                  workflows.client.validate(path, text, signal),
                schema: schema as JSONSchema7
              })
            )
    });
  }
};
