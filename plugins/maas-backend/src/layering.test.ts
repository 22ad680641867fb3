import path from 'path';
import { importCycles, importGraph } from '@maas-portal/harness/importGraph';

/**
 * The layers of maas-backend (see "How the code is laid out" in its README). Shared folders hold
 * what several features read: the configuration, the cluster and its caches, the metrics and
 * counter clients, which model an entity is, the permission checks. Feature slices sit above them,
 * each a router with the services behind it. A slice imports shared folders and itself, never
 * another slice: a slice that needs another's answer gets it as a function or an interface (such
 * as `entities/ModelReader.ts`), wired in plugin.ts (which builds every service; with router.ts,
 * which mounts the routers, the composition root, which may import anything). A shared folder imports no slice, and only shared folders below it in this
 * list, so that every dependence points one way: down.
 */
const SHARED: Array<[folder: string, why: string]> = [
  ['config', 'app-config read once, at start'],
  [
    'cluster',
    'the Kubernetes client and the watch caches every model read goes through',
  ],
  [
    'prometheus',
    'the Prometheus client, PromQL text and the windows usage is asked over',
  ],
  ['limitador', "Limitador's counters, read by quota and usage"],
  [
    'gateway',
    'how the gateway knows a user and how Kuadrant limits count: keys, usage, costs and models agree on it',
  ],
  [
    'entities',
    'which model a catalog entity is, as the catalog and the cluster say, and what the models slice answers about it (ModelReader)',
  ],
  [
    'permissions',
    'the permission gate, who may act on a key, and the lookup every route about one model starts with',
  ],
  [
    'notifications',
    'the one way the portal notifies people (MaasNotifier, its once-guard) and the links to where they act: keys, usage and budgets send through it',
  ],
  ['schema', 'the OpenAPI spec, checked against the routers by a test'],
];
const SHARED_ORDER = SHARED.map(([folder]) => folder);
const isShared = (folder: string) => SHARED_ORDER.includes(folder);
const SLICES = [
  'access',
  'actions',
  'adoption',
  'catalog',
  'costs',
  'keys',
  'models',
  'playground',
  'status',
  'tiers',
  'usage',
];
/** Files at the top of src: the plugin and its router compose every layer. */
const COMPOSITION_ROOT = ['index.ts', 'plugin.ts', 'router.ts'];

const isTest = (file: string) =>
  /\.test\.tsx?$/.test(file) || file.startsWith('__testUtils__/');

/** The folder a file of src belongs to, or its own name at the top. */
const layerOf = (file: string) => file.split('/')[0];

/** Each import of a non-test file that goes against the layering, as `from -> to`. */
function layeringViolations(
  graph: Map<string, string[]>,
  root: string,
): string[] {
  const violations: string[] = [];
  for (const [absolute, imports] of graph) {
    const file = path.relative(root, absolute);
    if (isTest(file) || COMPOSITION_ROOT.includes(file)) continue;
    const from = layerOf(file);
    for (const target of imports.map(i => path.relative(root, i))) {
      const to = layerOf(target);
      if (to === from) continue;
      // Down only: a slice may import any shared folder, a shared folder only those below it.
      const below = isShared(from)
        ? SHARED_ORDER.indexOf(to) >= 0 &&
          SHARED_ORDER.indexOf(to) < SHARED_ORDER.indexOf(from)
        : isShared(to);
      if (!below) violations.push(`${file} -> ${target}`);
    }
  }
  return violations.sort();
}

describe('layers of maas-backend', () => {
  const root = __dirname;
  const graph = importGraph(root);

  it('put every folder of src in a layer, so a new folder is placed on purpose', () => {
    const folders = [
      ...new Set(
        [...graph.keys()]
          .map(f => path.relative(root, f))
          .filter(f => f.includes('/') && !isTest(f))
          .map(layerOf),
      ),
    ].sort();
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter(f => !isShared(f) && !SLICES.includes(f))).toEqual(
      [],
    );
    expect(SLICES.filter(isShared)).toEqual([]);
  });

  it('have no slice import another slice, and no shared folder import a slice', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(layeringViolations(graph, root)).toEqual([]);
  });

  it('have no import cycle between files, as the frontend has none', () => {
    const cycles = importCycles(graph).map(cycle =>
      cycle.map(file => path.relative(root, file)).join(' -> '),
    );
    expect(cycles).toEqual([]);
  });

  it('would name an import from one slice into another, from below into a slice, or up between shared folders', () => {
    const at = (f: string) => path.join(root, f);
    const sample = new Map([
      [at('keys/createKeysRouter.ts'), [at('usage/UsageService.ts')]],
      [at('cluster/ClusterState.ts'), [at('models/ModelService.ts')]],
      [at('usage/UsageService.ts'), [at('prometheus/PrometheusClient.ts')]],
      [at('entities/EntityBindings.ts'), [at('cluster/ClusterState.ts')]],
      [at('entities/ModelRef.ts'), [at('permissions/PermissionGate.ts')]],
      [at('plugin.ts'), [at('keys/KeySecrets.ts')]],
      [at('keys/keyFlow.cluster.test.ts'), [at('usage/UsageService.ts')]],
    ]);
    expect(layeringViolations(sample, root)).toEqual([
      'cluster/ClusterState.ts -> models/ModelService.ts',
      'entities/ModelRef.ts -> permissions/PermissionGate.ts',
      'keys/createKeysRouter.ts -> usage/UsageService.ts',
    ]);
  });
});
