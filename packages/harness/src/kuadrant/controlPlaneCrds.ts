/*
 * The CRDs kuadrant-operator and Authorino need beyond the pinned ones the harness installs (Gateway API,
 * Kuadrant v1.3.0, KServe): read from the Go module cache at the versions the wrapper modules in
 * packages/harness/go pin, so they match the binaries build-servers.sh made. They must exist before
 * kuadrant-operator starts: it looks for them once, at boot, and skips whatever is missing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApiextensionsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import YAML from 'yaml';
import { createCrd } from '../crds.ts';
import { waitFor } from '../waitFor.ts';
import { rawRequest } from './kubeObjects.ts';

const run = promisify(execFile);

export const GO_MODULES_DIR = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'go',
);

interface CrdSource {
  module: string;
  /** The wrapper module (packages/harness/go/<name>) whose go.mod pins the version. */
  pinnedBy: string;
  file: string;
  /** Only these CRDs of the file (Istio's file holds all of Istio's). */
  only?: string[];
}

export const CONTROL_PLANE_CRD_SOURCES: CrdSource[] = [
  // kuadrant-operator watches DNSPolicy and TLSPolicy unconditionally; the pinned v1.3.0 set has neither.
  {
    module: 'github.com/kuadrant/kuadrant-operator',
    pinnedBy: 'kuadrant-operator',
    file: 'config/crd/bases/kuadrant.io_dnspolicies.yaml',
  },
  {
    module: 'github.com/kuadrant/kuadrant-operator',
    pinnedBy: 'kuadrant-operator',
    file: 'config/crd/bases/kuadrant.io_tlspolicies.yaml',
  },
  {
    module: 'github.com/kuadrant/authorino-operator',
    pinnedBy: 'kuadrant-operator',
    file: 'config/crd/bases/operator.authorino.kuadrant.io_authorinos.yaml',
  },
  // The AuthConfig schema of the Authorino that runs (its kustomize oneOf patches are not applied).
  {
    module: 'github.com/kuadrant/authorino',
    pinnedBy: 'authorino',
    file: 'install/crd/authorino.kuadrant.io_authconfigs.yaml',
  },
  {
    module: 'github.com/kuadrant/limitador-operator',
    pinnedBy: 'kuadrant-operator',
    file: 'config/crd/bases/limitador.kuadrant.io_limitadors.yaml',
  },
  // kuadrant-operator takes Istio as installed when both exist (istio.IsIstioInstalled).
  {
    module: 'istio.io/api',
    pinnedBy: 'kuadrant-operator',
    file: 'kubernetes/customresourcedefinitions.gen.yaml',
    only: [
      'envoyfilters.networking.istio.io',
      'wasmplugins.extensions.istio.io',
    ],
  },
];

/** The version of `module` in packages/harness/go/<wrapper>/go.mod. */
export function pinnedVersion(goMod: string, module: string): string {
  const escaped = module.replace(/[.]/g, '\\.');
  const m = goMod.match(new RegExp(`^\\s*${escaped}\\s+(v\\S+)`, 'm'));
  if (!m) throw new Error(`go.mod does not require ${module}`);
  return m[1];
}

async function moduleDir(source: CrdSource): Promise<string> {
  const wrapper = path.join(GO_MODULES_DIR, source.pinnedBy);
  const goMod = fs.readFileSync(path.join(wrapper, 'go.mod'), 'utf8');
  const version = pinnedVersion(goMod, source.module);
  try {
    const { stdout } = await run(
      'go',
      ['mod', 'download', '-json', `${source.module}@${version}`],
      {
        cwd: wrapper,
        env: {
          ...process.env,
          // As build-servers.sh: these modules are not in the checksum database; go.sum pins them.
          GONOSUMDB: [
            process.env.GONOSUMDB,
            'github.com/kuadrant,github.com/llm-d',
          ]
            .filter(Boolean)
            .join(','),
        },
      },
    );
    return JSON.parse(stdout).Dir;
  } catch (e) {
    throw new Error(
      `cannot read ${source.module}@${version} from the Go module cache (needs Go and the Go module proxy; ` +
        `bash packages/harness/scripts/build-servers.sh fills the cache): ${
          e instanceof Error ? e.message : e
        }`,
    );
  }
}

/** Every CRD document of the sources, parsed. */
export async function loadControlPlaneCrds(): Promise<
  Array<{ crd: V1CustomResourceDefinition; origin: string }>
> {
  const loaded = await Promise.all(
    CONTROL_PLANE_CRD_SOURCES.map(async source => {
      const dir = await moduleDir(source);
      const file = path.join(dir, source.file);
      let text = fs.readFileSync(file, 'utf8');
      if (source.only) {
        // Istio's file has ~50 CRDs: parse only the documents that can be the wanted ones (~1.5 s less).
        text = text
          .split(/^---$/m)
          .filter(doc => source.only!.some(name => doc.includes(name)))
          .join('\n---\n');
      }
      return YAML.parseAllDocuments(text)
        .map(d => d.toJS() as V1CustomResourceDefinition)
        .filter(
          d =>
            d?.kind === 'CustomResourceDefinition' &&
            (!source.only || source.only.includes(d.metadata?.name ?? '')),
        )
        .map(crd => ({ crd, origin: `${path.basename(dir)}/${source.file}` }));
    }),
  );
  return loaded.flat();
}

/** Creates the CRDs (an existing one is left as it is) and waits until the API server serves them. */
export async function installControlPlaneCrds(
  kc: KubeConfig,
  crds: Array<{ crd: V1CustomResourceDefinition; origin: string }>,
): Promise<string[]> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  await Promise.all(
    crds.map(({ crd, origin }) =>
      createCrd(
        (method, urlPath, body) => rawRequest(kc, method, urlPath, body),
        crd,
        origin,
      ),
    ),
  );
  const names = crds.map(c => c.crd.metadata!.name!);
  await Promise.all(
    names.map(name =>
      waitFor(
        `CRD ${name} Established`,
        async () => {
          const crd = await ext.readCustomResourceDefinition({ name });
          return crd.status?.conditions?.some(
            c => c.type === 'Established' && c.status === 'True',
          );
        },
        { timeoutMs: 30000, intervalMs: 100 },
      ),
    ),
  );
  return names;
}
