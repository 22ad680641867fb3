/*
 * deploy/dynamic-plugins.yaml against the frontend as Red Hat Developer Hub receives it: the
 * Scalprum export of scripts/export-dynamic-plugins.sh (`rhdh-cli plugin export`). Its
 * plugin-manifest.json names the plugin and the container script; the container is what knows the
 * exposed modules (its `get` refuses any other), and each module's exports are what an `importName`
 * must name. The container is loaded here as Developer Hub's app loads it, with no shared module
 * offered, so it runs on its own bundled copies.
 */
import { MAAS_INFERENCE_SERVICE_ANNOTATION } from '@maas-portal/plugin-maas-common';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

// A cold export builds and exports four packages (minutes); a warm one is a hash of the sources.
jest.setTimeout(1_200_000);

const root = resolve(__dirname, '../../..');

interface Wired {
  module?: string;
  importName?: string;
}
interface MountPoint extends Wired {
  mountPoint: string;
  config?: { if?: Record<string, Array<string | object>> };
}
interface FrontendConfig {
  dynamicRoutes?: Array<Wired & { path: string }>;
  mountPoints?: MountPoint[];
  scaffolderFieldExtensions?: Wired[];
  entityTabs?: Array<{ path: string; title: string; mountPoint: string }>;
}
interface Example {
  plugins: Array<{
    package: string;
    pluginConfig?: {
      dynamicPlugins?: { frontend?: Record<string, FrontendConfig> };
    };
  }>;
}

/** deploy/dynamic-plugins.yaml (no package; read by the test runner's YAML transform). */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const example: Example = require('../../../deploy/dynamic-plugins.yaml');

/** A Scalprum container as its script hands it to the app. */
interface Container {
  init(shareScope: object): Promise<void> | void;
  get(module: string): Promise<() => Record<string, unknown>>;
}

/** Loads the container of an export's dist-scalprum folder into this test's window. */
function loadContainer(
  dir: string,
  manifest: { name: string; loadScripts: string[] },
) {
  const containers: Record<string, Container> = {};
  (window as any).__load_plugin_entry__ = (name: string, c: Container) => {
    containers[name] = c;
  };
  // The webpack runtime takes its public path from the page's scripts, as in the app.
  const script = document.createElement('script');
  script.src = `http://localhost/api/scalprum/${manifest.name}/${manifest.loadScripts[0]}`;
  document.head.appendChild(script);
  // Every chunk registered before the container starts, so that none has to be fetched; each as
  // a script element of the page, as the app adds them.
  const run = (file: string) => {
    const element = document.createElement('script');
    element.textContent = readFileSync(file, 'utf8');
    document.head.appendChild(element);
  };
  const staticDir = join(dir, 'static');
  for (const file of readdirSync(staticDir).filter(f => f.endsWith('.js')))
    run(join(staticDir, file));
  for (const file of manifest.loadScripts) run(join(dir, file));
  return containers[manifest.name];
}

describe('deploy/dynamic-plugins.yaml', () => {
  let exportsDir: string;

  beforeAll(() => {
    exportsDir = execFileSync(
      join(root, 'scripts', 'export-dynamic-plugins.sh'),
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    ).trim();
  });

  it('names the exported packages by the folders the export writes', () => {
    expect(example.plugins.map(p => basename(p.package)).sort()).toEqual(
      readdirSync(exportsDir, { withFileTypes: true })
        .filter(d => d.isDirectory())
        .map(d => d.name)
        .sort(),
    );
  });

  it('wires only modules and exports that the frontend bundle has', async () => {
    const frontend = example.plugins.filter(
      p => p.pluginConfig?.dynamicPlugins?.frontend,
    );
    expect(frontend).toHaveLength(1);
    const dir = join(
      exportsDir,
      basename(frontend[0].package),
      'dist-scalprum',
    );
    const manifest = JSON.parse(
      readFileSync(join(dir, 'plugin-manifest.json'), 'utf8'),
    );
    const configs = frontend[0].pluginConfig!.dynamicPlugins!.frontend!;
    // The key Developer Hub finds the plugin's wiring under is the manifest's name.
    expect(Object.keys(configs)).toEqual([manifest.name]);
    for (const file of manifest.loadScripts)
      expect(existsSync(join(dir, file))).toBe(true);
    const config = configs[manifest.name];

    // Every module/importName the example wires, with what it is for.
    const wired: Array<Wired & { as: string }> = [
      ...(config.dynamicRoutes ?? []).map(r => ({
        ...r,
        as: `route ${r.path}`,
      })),
      ...(config.mountPoints ?? []).flatMap(m => [
        { ...m, as: `mount point ${m.mountPoint}` },
        // An `if` condition named by a string is a function the same module exports.
        ...Object.values(m.config?.if ?? {})
          .flat()
          .filter((c): c is string => typeof c === 'string')
          .map(c => ({
            module: m.module,
            importName: c,
            as: `condition of ${m.mountPoint}`,
          })),
      ]),
      ...(config.scaffolderFieldExtensions ?? []).map(f => ({
        ...f,
        as: 'scaffolder field extension',
      })),
    ];
    expect(wired.length).toBeGreaterThanOrEqual(10);

    const container = loadContainer(dir, manifest);
    expect(container).toBeDefined();
    await container.init({});
    const missing: string[] = [];
    const modules: Record<string, Record<string, unknown>> = {};
    for (const w of wired) {
      const module = w.module ?? 'PluginRoot';
      if (!modules[module]) {
        const factory = await container.get(module).catch(e => {
          missing.push(`${w.as}: module ${module} (${e.message})`);
          return () => ({});
        });
        modules[module] = factory();
      }
      const value = modules[module][w.importName ?? 'default'];
      if (typeof value !== 'function')
        missing.push(
          `${w.as}: ${module}.${
            w.importName ?? 'default'
          } is ${typeof value}, not a component or function`,
        );
    }
    expect(missing).toEqual([]);

    // Each mount point a tab adds is one the example fills, and the condition is the bundle's own.
    for (const tab of config.entityTabs ?? [])
      expect(config.mountPoints!.map(m => m.mountPoint)).toContain(
        `${tab.mountPoint}/cards`,
      );
    const isMaasAvailable = modules.PluginRoot.isMaasAvailable as (
      e: object,
    ) => boolean;
    const entity = (annotations: Record<string, string>) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'qwen3', annotations },
      spec: { type: 'model-server' },
    });
    expect(isMaasAvailable(entity({}))).toBe(false);
    expect(
      isMaasAvailable(
        entity({ [MAAS_INFERENCE_SERVICE_ANNOTATION]: 'llm/qwen3' }),
      ),
    ).toBe(true);
  });
});
