import { TranslationBundle } from '@jupyterlab/translation';

import { IVREConnection } from '../common/connection';
import { ReanaClient } from './api';
import { WorkflowsModel } from './model';

/** Seconds between refreshes of the workflow list while nothing runs. */
const IDLE_SECONDS = 30;

const models = new WeakMap<IVREConnection, WorkflowsModel>();

/** The one workflow model of a connection, shared by the panel and the "Run on REANA" command. */
export function workflowsModel(
  connection: IVREConnection,
  trans: TranslationBundle
): WorkflowsModel {
  let model = models.get(connection);
  if (!model) {
    model = new WorkflowsModel({
      client: new ReanaClient(connection.serverSettings),
      trans,
      idleSeconds: IDLE_SECONDS
    });
    models.set(connection, model);
  }
  return model;
}
