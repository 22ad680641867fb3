import path from 'path';
import { importCycles, importGraph } from '@maas-portal/harness/importGraph';

describe('imports of the frontend plugin', () => {
  it('form no cycle', () => {
    const root = __dirname;
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(50);
    const cycles = importCycles(graph).map(cycle =>
      cycle.map(file => path.relative(root, file)).join(' -> '),
    );
    expect(cycles).toEqual([]);
  });

  it('are read with their barrels, so that a cycle through an index.ts is found', () => {
    const graph = importGraph(__dirname);
    const tierSelect = path.join(
      __dirname,
      'components/TierSelect/TierSelect.tsx',
    );
    expect(graph.get(tierSelect)).toContain(
      path.join(__dirname, 'components/TierSelect/tierChoices.ts'),
    );
    expect(
      graph.get(path.join(__dirname, 'components/TierSelect/index.ts')),
    ).toContain(tierSelect);
  });

  it('would show a cycle as the files along it', () => {
    const graph = new Map([
      ['a/index.ts', ['a/A.tsx']],
      ['a/A.tsx', ['b/index.ts']],
      ['b/index.ts', ['b/B.tsx']],
      ['b/B.tsx', ['a/index.ts', 'c.ts']],
      ['c.ts', []],
    ]);
    expect(importCycles(graph)).toEqual([
      ['a/A.tsx', 'b/index.ts', 'b/B.tsx', 'a/index.ts'],
    ]);
  });
});
