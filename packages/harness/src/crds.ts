/*
 * The pinned upstream CRDs (KServe, Gateway API, Kuadrant): loaded from <repo>/../shared/crds when that
 * folder exists, else downloaded from the pinned upstream URLs (crd-sources.ts) into $MAAS_CACHE_DIR/crds and
 * checked against their SHA-256; installed unchanged (CEL rules and defaults are enforced by the server); waited
 * for until Established.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CRD_SOURCES } from './crd-sources.ts';
import type { KubeClient, KubeResponse } from './kube/client.ts';
import type { Logger } from './logging.ts';
import { cacheDir } from './servers.ts';
import { waitFor } from './waitFor.ts';

export interface CrdFile {
  file: string;
  text: string;
  origin: string;
}

function sha256(text: string | Buffer): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

async function download(url: string): Promise<Buffer> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(60000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(
    `could not download ${url}: ${
      lastError instanceof Error ? lastError.message : lastError
    }`,
  );
}

/** CRD files from `dir` when it exists (every *.yaml there), else the pinned downloads. */
export async function loadCrdFiles(
  dir: string,
  log: Logger,
): Promise<CrdFile[]> {
  const known = new Map(CRD_SOURCES.map(s => [s.file, s]));
  if (fs.existsSync(dir)) {
    const files = fs
      .readdirSync(dir)
      .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
    if (files.length === 0) throw new Error(`no CRD files (*.yaml) in ${dir}`);
    return files.map(file => {
      const buf = fs.readFileSync(path.join(dir, file));
      const pinned = known.get(file);
      if (pinned && sha256(buf) !== pinned.sha256) {
        throw new Error(
          `${path.join(dir, file)} does not match its pinned SHA-256 ${
            pinned.sha256
          } (src/crd-sources.ts)`,
        );
      }
      return { file, text: buf.toString('utf8'), origin: path.join(dir, file) };
    });
  }
  const cache = path.join(cacheDir(), 'crds');
  fs.mkdirSync(cache, { recursive: true });
  log(`${dir} not found: using the pinned upstream CRDs (cache ${cache})`);
  const hint = `the CRDs are read from ${dir} when it exists (or from MAAS_HARNESS_CRD_DIR), else downloaded once into ${cache}`;
  return Promise.all(
    CRD_SOURCES.map(async s => {
      const cached = path.join(cache, `${s.sha256.slice(0, 16)}-${s.file}`);
      if (fs.existsSync(cached)) {
        const buf = fs.readFileSync(cached);
        if (sha256(buf) === s.sha256)
          return { file: s.file, text: buf.toString('utf8'), origin: cached };
      }
      const buf = await download(s.url).catch(e => {
        throw new Error(`${e.message}; ${hint}`);
      });
      const sum = sha256(buf);
      if (sum !== s.sha256) {
        throw new Error(
          `${s.url}: SHA-256 ${sum} does not match the pinned ${s.sha256}`,
        );
      }
      fs.writeFileSync(`${cached}.tmp`, buf);
      fs.renameSync(`${cached}.tmp`, cached);
      return { file: s.file, text: buf.toString('utf8'), origin: s.url };
    }),
  );
}

export interface InstalledCrd {
  name: string;
  kind: string;
  group: string;
  versions: string[];
  file: string;
}

/** Creates a CRD through `request`; one that exists already is left as it is. `origin` names its file in an error. */
export async function createCrd(
  request: (
    method: string,
    urlPath: string,
    body: unknown,
  ) => Promise<KubeResponse>,
  crd: { metadata?: { name?: string } },
  origin: string,
): Promise<void> {
  const res = await request(
    'POST',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    crd,
  );
  if (res.status !== 201 && res.status !== 409) {
    throw new Error(
      `installing CRD ${crd.metadata?.name} (${origin}) -> ${res.status}: ${
        res.body?.message ?? res.text.slice(0, 2000)
      }`,
    );
  }
}

export async function installCrds(
  client: KubeClient,
  files: CrdFile[],
  log: Logger,
): Promise<InstalledCrd[]> {
  const crds: Array<{ crd: any; file: string }> = [];
  for (const f of files) {
    for (const doc of YAML.parseAllDocuments(f.text)) {
      if (doc.errors.length)
        throw new Error(`${f.origin}: ${doc.errors[0].message}`);
      const obj = doc.toJS({ maxAliasCount: -1 });
      if (obj?.kind !== 'CustomResourceDefinition') continue;
      crds.push({ crd: obj, file: f.file });
    }
  }
  await Promise.all(
    crds.map(({ crd, file }) =>
      createCrd(client.request.bind(client), crd, file),
    ),
  );
  await Promise.all(
    crds.map(({ crd }) =>
      waitFor(
        `CRD ${crd.metadata.name} Established`,
        async () => {
          const res = await client.request(
            'GET',
            `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
          );
          const conditions: any[] = res.body?.status?.conditions ?? [];
          return conditions.some(
            c => c.type === 'Established' && c.status === 'True',
          );
        },
        { timeoutMs: 60000, intervalMs: 100 },
      ),
    ),
  );
  // The API server creates a CRD's storage and watch cache on the first request for it, and answers 429
  // "storage is (re)initializing" until that cache is filled. On a cluster that has run for a while its
  // controllers made those first requests long ago; here one LIST per served version does.
  await Promise.all(
    crds.flatMap(({ crd }) =>
      crd.spec.versions
        .filter((v: any) => v.served)
        .map((v: any) =>
          waitFor(
            `${crd.spec.names.plural}.${crd.spec.group}/${v.name} served`,
            async () =>
              (
                await client.request(
                  'GET',
                  `/apis/${crd.spec.group}/${v.name}/${crd.spec.names.plural}?limit=1`,
                )
              ).status === 200,
            { timeoutMs: 60000, intervalMs: 200 },
          ),
        ),
    ),
  );
  log(`CRDs: ${crds.length} installed unchanged, Established and served`);
  return crds.map(({ crd, file }) => ({
    name: crd.metadata.name,
    kind: crd.spec.names.kind,
    group: crd.spec.group,
    versions: crd.spec.versions.map((v: any) => v.name),
    file,
  }));
}
