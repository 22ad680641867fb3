/*
 * The import graph of a package's source, read by the tests that check how its files depend on
 * each other (`@maas-portal/harness/importGraph`): the frontend plugin's import-cycle test and
 * maas-backend's layering test. Its own entry point, so a jsdom test does not load the harness.
 */
import fs from 'node:fs';
import path from 'node:path';

const SOURCE = /\.(ts|tsx)$/;
// `import … from './x'`, `export … from './x'`, `import './x'` and `import('./x')`.
const RELATIVE_IMPORT =
  /(?:(?:import|export)\s[^'"]*?from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/g;

/** Every source file below `root`, each with the files it imports by a relative path. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (SOURCE.test(entry.name)) {
        const text = fs.readFileSync(file, 'utf8');
        const imports = [...text.matchAll(RELATIVE_IMPORT)].flatMap(m => {
          const target = resolveSource(path.resolve(dir, m[1]));
          return target ? [target] : [];
        });
        graph.set(file, imports);
      }
    }
  };
  visit(root);
  return graph;
}

function resolveSource(base: string): string | undefined {
  return [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ].find(f => SOURCE.test(f) && fs.existsSync(f));
}

/** Each import cycle once, as the files along it, starting at the first one met. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const trail: string[] = [];
  const walk = (file: string) => {
    const onTrail = trail.indexOf(file);
    if (onTrail >= 0) {
      cycles.push(trail.slice(onTrail));
      return;
    }
    if (done.has(file)) return;
    trail.push(file);
    for (const next of graph.get(file) ?? []) walk(next);
    trail.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) walk(file);
  return cycles;
}
