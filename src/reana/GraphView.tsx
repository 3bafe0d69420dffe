import { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import React, { useEffect, useMemo, useState } from 'react';

import { asAPIError } from '../common/request';
import { IGraphStep, IStepLog, IWorkflowGraph, ReanaClient } from './api';

/** Where a step's box is drawn, in SVG units. */
export interface INodePlace {
  step: IGraphStep;
  layer: number;
  x: number;
  y: number;
}

export const NODE = { width: 168, height: 34, gapX: 28, gapY: 30, margin: 12 };
const ACTIVE = ['created', 'queued', 'pending', 'running'];

/**
 * Layered layout, top to bottom: a step sits one layer below the deepest step it
 * depends on; within a layer, steps are ordered by where their parents are, so
 * edges cross less. Dependencies on unknown steps and cycles are ignored.
 */
export function layoutGraph(steps: IGraphStep[]): {
  nodes: INodePlace[];
  width: number;
  height: number;
} {
  const byName = new Map(steps.map(step => [step.name, step]));
  const layerOf = new Map<string, number>();
  const depth = (name: string, path: Set<string>): number => {
    const known = layerOf.get(name);
    if (known !== undefined) {
      return known;
    }
    const step = byName.get(name);
    if (!step || path.has(name)) {
      return -1;
    }
    path.add(name);
    const parents = (step.depends_on ?? []).filter(d => byName.has(d));
    const layer = Math.max(-1, ...parents.map(p => depth(p, path))) + 1;
    path.delete(name);
    layerOf.set(name, layer);
    return layer;
  };
  steps.forEach(step => depth(step.name, new Set()));
  const layers: IGraphStep[][] = [];
  for (const step of steps) {
    const layer = layerOf.get(step.name) ?? 0;
    (layers[layer] ??= []).push(step);
  }
  const column = new Map<string, number>();
  const nodes: INodePlace[] = [];
  layers.forEach((members, layer) => {
    const centre = (step: IGraphStep): number => {
      const parents = (step.depends_on ?? [])
        .map(p => column.get(p))
        .filter((c): c is number => c !== undefined);
      return parents.length
        ? parents.reduce((a, b) => a + b, 0) / parents.length
        : Number.MAX_SAFE_INTEGER;
    };
    const ordered = [...members].sort((a, b) => centre(a) - centre(b));
    ordered.forEach((step, index) => {
      column.set(step.name, index);
      nodes.push({
        step,
        layer,
        x: NODE.margin + index * (NODE.width + NODE.gapX),
        y: NODE.margin + layer * (NODE.height + NODE.gapY)
      });
    });
  });
  const widest = Math.max(1, ...layers.map(l => l.length));
  return {
    nodes,
    width: 2 * NODE.margin + widest * NODE.width + (widest - 1) * NODE.gapX,
    height:
      2 * NODE.margin +
      layers.length * NODE.height +
      Math.max(0, layers.length - 1) * NODE.gapY
  };
}

const STATUS_COLOUR: Record<string, string> = {
  finished: 'var(--jp-success-color1)',
  running: 'var(--jp-brand-color1)',
  failed: 'var(--jp-error-color1)',
  stopped: 'var(--jp-warn-color1)',
  created: 'var(--jp-border-color1)'
};

/** The middle of a long name cut out, so both ends stay readable in the box. */
function fit(name: string, room = 22): string {
  return name.length <= room
    ? name
    : `${name.slice(0, room / 2 - 1)}…${name.slice(-(room / 2 - 1))}`;
}

function StepBox(props: {
  place: INodePlace;
  selected: boolean;
  trans: TranslationBundle;
  onSelect: (step: string) => void;
}): JSX.Element {
  const { place, selected, trans } = props;
  const status = place.step.status ?? 'created';
  const colour = STATUS_COLOUR[status] ?? STATUS_COLOUR.created;
  const label = trans.__('Step %1: %2', place.step.name, status);
  return (
    <g
      className={`jp-vre-GraphStep jp-mod-${status}`}
      data-step={place.step.name}
      data-status={status}
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={selected}
      transform={`translate(${place.x},${place.y})`}
      onClick={() => props.onSelect(place.step.name)}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onSelect(place.step.name);
        }
      }}
      style={{ cursor: 'pointer' }}
    >
      <title>{`${place.step.name} — ${status}${
        place.step.environment ? `\n${place.step.environment}` : ''
      }`}</title>
      <rect
        width={NODE.width}
        height={NODE.height}
        rx={4}
        fill="var(--jp-layout-color1)"
        stroke={colour}
        strokeWidth={selected ? 3 : 1.5}
      />
      <rect width={6} height={NODE.height} rx={2} fill={colour} />
      <text
        x={14}
        y={NODE.height / 2 + 4}
        fill="var(--jp-ui-font-color1)"
        fontSize="var(--jp-ui-font-size1)"
      >
        {fit(place.step.name)}
      </text>
    </g>
  );
}

/** The steps as boxes and their dependencies as arrows; a click selects a step. */
export function GraphDiagram(props: {
  steps: IGraphStep[];
  selected: string | null;
  trans: TranslationBundle;
  onSelect: (step: string) => void;
}): JSX.Element {
  const layout = useMemo(() => layoutGraph(props.steps), [props.steps]);
  const at = new Map(layout.nodes.map(n => [n.step.name, n]));
  const edges: JSX.Element[] = [];
  for (const node of layout.nodes) {
    for (const parent of node.step.depends_on ?? []) {
      const from = at.get(parent);
      if (!from) {
        continue;
      }
      const x1 = from.x + NODE.width / 2;
      const y1 = from.y + NODE.height;
      const x2 = node.x + NODE.width / 2;
      const y2 = node.y;
      edges.push(
        <path
          key={`${parent}->${node.step.name}`}
          className="jp-vre-GraphEdge"
          d={`M${x1},${y1} C${x1},${y1 + NODE.gapY / 2} ${x2},${y2 - NODE.gapY / 2} ${x2},${y2 - 4}`}
          fill="none"
          stroke="var(--jp-border-color0)"
          markerEnd="url(#jp-vre-graph-arrow)"
        />
      );
    }
  }
  return (
    <svg
      className="jp-vre-GraphDiagram"
      width={layout.width}
      height={layout.height}
      role="group"
      aria-label={props.trans.__('Workflow steps')}
    >
      <defs>
        <marker
          id="jp-vre-graph-arrow"
          viewBox="0 0 8 8"
          refX={4}
          refY={4}
          markerWidth={6}
          markerHeight={6}
          orient="auto"
        >
          <path d="M0,0 L8,4 L0,8 z" fill="var(--jp-border-color0)" />
        </marker>
      </defs>
      {edges}
      {layout.nodes.map(place => (
        <StepBox
          key={place.step.name}
          place={place}
          selected={place.step.name === props.selected}
          trans={props.trans}
          onSelect={props.onSelect}
        />
      ))}
    </svg>
  );
}

function StepDetails(props: {
  step: IGraphStep;
  logs: IStepLog[];
  trans: TranslationBundle;
}): JSX.Element {
  const { step, logs, trans } = props;
  return (
    <section
      className="jp-vre-GraphStepDetails"
      aria-label={trans.__('Step details')}
    >
      <h3>{trans.__('Step %1 (%2)', step.name, step.status ?? 'created')}</h3>
      {step.environment && (
        <p>{trans.__('Environment: %1', step.environment)}</p>
      )}
      {(step.inputs ?? []).length > 0 && (
        <p>{trans.__('Inputs: %1', (step.inputs ?? []).join(', '))}</p>
      )}
      {(step.outputs ?? []).length > 0 && (
        <p>{trans.__('Outputs: %1', (step.outputs ?? []).join(', '))}</p>
      )}
      {logs.length === 0 ? (
        <p>{trans.__('No job of this step has run yet.')}</p>
      ) : (
        logs.map(job => (
          <div key={job.job_id}>
            <h4>
              {trans.__('Job %1: %2', job.job_id.slice(0, 8), job.status ?? '')}
            </h4>
            {job.command && <code>{job.command}</code>}
            <pre className="jp-vre-GraphStepLog">
              {job.logs || trans.__('(no output)')}
            </pre>
          </div>
        ))
      )}
    </section>
  );
}

/**
 * A workflow's steps and dependencies with each step's live status, refreshed
 * every two seconds while the workflow is active; a click shows a step's log.
 */
export function GraphView(props: {
  client: ReanaClient;
  workflow: string;
  /** The workflow's folder: REANA keeps no Yadage specification, so its graph is read there. */
  path?: string;
  trans: TranslationBundle;
  onOpenOutputs?: () => void;
}): JSX.Element {
  const { client, workflow, path, trans } = props;
  const [graph, setGraph] = useState<IWorkflowGraph | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [logs, setLogs] = useState<IStepLog[]>([]);

  useEffect(() => {
    const poll = new Poll({
      name: `jupyterlab-vre:reana-graph-${workflow}`,
      factory: async () => {
        try {
          const answer = await client.graph(workflow, path);
          setGraph(answer);
          setError(null);
          if (!ACTIVE.includes(answer.workflow_status)) {
            poll.frequency = { ...poll.frequency, interval: Poll.NEVER };
          }
        } catch (reason) {
          setError(asAPIError(reason).message);
        }
      },
      frequency: { interval: 2000, backoff: true, max: 30_000 },
      standby: 'when-hidden'
    });
    return () => poll.dispose();
  }, [client, workflow, path]);

  const status = graph?.workflow_status;
  useEffect(() => {
    if (!selected) {
      return;
    }
    let cancelled = false;
    client
      .logs(workflow, [selected])
      .then(answer => {
        if (!cancelled) {
          setLogs(answer.steps.filter(s => s.step === selected));
        }
      })
      .catch(reason => !cancelled && setError(asAPIError(reason).message));
    return () => {
      cancelled = true;
    };
    // the log is re-read when the step's status changes
  }, [
    client,
    workflow,
    selected,
    status,
    graph?.steps.find(s => s.name === selected)?.status
  ]);

  const step = graph?.steps.find(s => s.name === selected) ?? null;
  return (
    <div
      className="jp-vre-GraphView"
      style={{ padding: '8px', overflow: 'auto', height: '100%' }}
    >
      {error && (
        <p className="jp-vre-GraphError" role="alert">
          {error}
        </p>
      )}
      {graph && (
        <>
          <p className="jp-vre-GraphSummary" aria-live="polite">
            {trans.__(
              '%1 workflow, %2: %3 steps, %4 finished.',
              graph.workflow_type,
              graph.workflow_status,
              graph.steps.length,
              graph.steps.filter(s => s.status === 'finished').length
            )}
            {props.onOpenOutputs && graph.workflow_status === 'finished' && (
              <button
                className="jp-mod-styled jp-mod-accept jp-vre-GraphOutputs"
                style={{ marginLeft: '8px' }}
                onClick={props.onOpenOutputs}
              >
                {trans.__('Download and open outputs')}
              </button>
            )}
          </p>
          <GraphDiagram
            steps={graph.steps}
            selected={selected}
            trans={trans}
            onSelect={setSelected}
          />
          {step && <StepDetails step={step} logs={logs} trans={trans} />}
        </>
      )}
      {!graph && !error && <p>{trans.__('Reading the workflow…')}</p>}
    </div>
  );
}
