import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render } from '@testing-library/react';
import React from 'react';

import { IGraphStep } from '../reana/api';
import { GraphDiagram, layoutGraph, NODE } from '../reana/GraphView';

const trans = nullTranslator.load('jupyterlab_vre');

function step(
  name: string,
  dependsOn: string[] = [],
  status = 'created'
): IGraphStep {
  return {
    name,
    depends_on: dependsOn,
    inputs: [],
    outputs: [],
    environment: null,
    commands: [],
    status,
    job_ids: []
  };
}

/** 30 steps: a fan-out of 10 from one source, a chain through them, a fan-in. */
function thirtySteps(): IGraphStep[] {
  const steps = [step('fetch')];
  for (let i = 0; i < 10; i++) {
    steps.push(step(`fit-${i}`, ['fetch']));
  }
  for (let i = 0; i < 10; i++) {
    steps.push(step(`plot-${i}`, [`fit-${i}`]));
  }
  for (let i = 0; i < 8; i++) {
    steps.push(
      step(
        `summary-${i}`,
        i === 0 ? steps.slice(11, 21).map(s => s.name) : [`summary-${i - 1}`]
      )
    );
  }
  steps.push(step('publish', ['summary-7']));
  return steps;
}

function overlap(
  a: { x: number; y: number },
  b: { x: number; y: number }
): boolean {
  return Math.abs(a.x - b.x) < NODE.width && Math.abs(a.y - b.y) < NODE.height;
}

describe('layoutGraph', () => {
  it('puts every step below the steps it depends on', () => {
    const { nodes } = layoutGraph(thirtySteps());
    const at = new Map(nodes.map(n => [n.step.name, n]));
    expect(nodes).toHaveLength(30);
    for (const node of nodes) {
      for (const parent of node.step.depends_on ?? []) {
        expect(at.get(parent)!.y).toBeLessThan(node.y);
      }
    }
    expect(at.get('publish')!.layer).toBe(11);
  });

  it('keeps 30 steps apart, each box whole inside the drawing', () => {
    const { nodes, width, height } = layoutGraph(thirtySteps());
    for (const [i, a] of nodes.entries()) {
      for (const b of nodes.slice(i + 1)) {
        expect(overlap(a, b)).toBe(false);
      }
      expect(a.x + NODE.width).toBeLessThanOrEqual(width);
      expect(a.y + NODE.height).toBeLessThanOrEqual(height);
    }
  });

  it('survives a cycle and a dependency on an unknown step', () => {
    const { nodes } = layoutGraph([
      step('a', ['b']),
      step('b', ['a']),
      step('c', ['nowhere'])
    ]);
    expect(nodes.map(n => n.step.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a serial chain in one column, in order', () => {
    const chain = [step('one'), step('two', ['one']), step('three', ['two'])];
    const { nodes } = layoutGraph(chain);
    expect(nodes.map(n => [n.step.name, n.x === nodes[0].x])).toEqual([
      ['one', true],
      ['two', true],
      ['three', true]
    ]);
  });
});

describe('GraphDiagram', () => {
  it('draws each step with its status and an arrow per dependency; a click selects', () => {
    const selected: string[] = [];
    const { container } = render(
      <GraphDiagram
        steps={[
          step('greet', [], 'finished'),
          step('count', ['greet'], 'running')
        ]}
        selected={null}
        trans={trans}
        onSelect={name => selected.push(name)}
      />
    );
    const boxes = container.querySelectorAll('.jp-vre-GraphStep');
    expect(
      Array.from(boxes).map(b => [
        b.getAttribute('data-step'),
        b.getAttribute('data-status')
      ])
    ).toEqual([
      ['greet', 'finished'],
      ['count', 'running']
    ]);
    expect(container.querySelectorAll('.jp-vre-GraphEdge')).toHaveLength(1);
    fireEvent.click(boxes[1]);
    fireEvent.keyDown(boxes[0], { key: 'Enter' });
    expect(selected).toEqual(['count', 'greet']);
  });
});
