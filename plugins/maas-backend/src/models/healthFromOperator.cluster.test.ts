/*
 * The Usage tab's health verdict (and tiers) from the real kuadrant-operator's conditions (not written by the test):
 * a model as Create model renders it (the simulator with API keys), applied to a namespace with a Gateway
 * of its own, read through ModelService from the watch caches. The harness plays the gateway's part
 * (Gateway Programmed, HTTPRoute Accepted + ResolvedRefs). No KServe controller runs in the harness, so
 * the test writes the InferenceService's Ready status itself, as KServe would once the model loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  httpGatewaySpec,
  serverSideApply,
  waitForPolicy,
} from '@maas-portal/harness/testing';
import {
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  ModelTiers,
} from '@maas-portal/plugin-maas-common';
import { INFERENCE_SERVICE } from '@maas-portal/plugin-maas-node';
import request from 'supertest';
import YAML from 'yaml';
import { ClusterState } from '../cluster/ClusterState';
import { readMaasConfig } from '../config/MaasConfig';
import {
  readyInferenceServiceStatus,
  writeStatus,
} from '../__testUtils__/harness';
import { startMaasBackend } from '../__testUtils__/startMaasBackend';
import {
  ADMIN,
  as,
  DEV_A,
  examplePolicyUsers,
  TEAM_A,
} from '../__testUtils__/testUsers';
import { ModelService } from './ModelService';

/*
 * The renderer's output for the simulator with API keys, in namespace `llm`: the golden file that
 * scaffolder-backend-module-maas's renderModel.test.ts keeps equal to renderModel() (this package does
 * not depend on the scaffolder module, so it reads the file rather than calling the renderer).
 */
const RENDERED = path.resolve(
  __dirname,
  '../../../scaffolder-backend-module-maas/src/manifests/__fixtures__/simulator-api-key.yaml',
);
const POLICY_TIMEOUT_MS = 90_000;
const ENTITY_REF = 'component:default/sim';

/** Every value `llm` (the golden file's namespace) replaced by `namespace`. */
function inNamespace<T>(value: T, namespace: string): T {
  if (value === 'llm') return namespace as T;
  if (Array.isArray(value))
    return value.map(v => inNamespace(v, namespace)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, inNamespace(v, namespace)]),
    ) as T;
  }
  return value;
}

/** The rendered cluster objects (not the catalog entities) for `namespace`. */
function renderedObjects(namespace: string): KubernetesObject[] {
  return YAML.parseAllDocuments(fs.readFileSync(RENDERED, 'utf8'))
    .map(d => d.toJS() as KubernetesObject)
    .filter(o => !o.apiVersion!.startsWith('backstage.io/'))
    .map(o => inNamespace(o, namespace));
}

async function apply(kc: KubeConfig, object: KubernetesObject) {
  await serverSideApply(kc)(object);
}

/** A namespace with its own Gateway and the model's objects; `withoutTokenLimits` drops the TRLP. */
async function model(
  kc: KubeConfig,
  prefix: string,
  withoutTokenLimits: boolean,
): Promise<{ namespace: string; kinds: string[] }> {
  const namespace = await createTestNamespace(kc, prefix);
  await apply(kc, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'inference-gateway', namespace },
    spec: httpGatewaySpec(),
  } as KubernetesObject);
  const objects = renderedObjects(namespace).filter(
    o => !(withoutTokenLimits && o.kind === 'TokenRateLimitPolicy'),
  );
  for (const object of objects) await apply(kc, object);
  return { namespace, kinds: objects.map(o => o.kind!) };
}

const readyIsvc = readyInferenceServiceStatus('http://sim.maas.local');

jest.setTimeout(POLICY_TIMEOUT_MS + 60_000);

describe("the health verdict from the real kuadrant-operator's conditions", () => {
  const kc = harnessKubeConfig();
  const namespaces: string[] = [];
  let state: ClusterState;
  let service: ModelService;

  const health = (namespace: string) =>
    service.getModel({
      inferenceService: { namespace, name: 'sim' },
      entityRef: ENTITY_REF,
    }).health;

  /** Waits for the operator to enforce the model's AuthPolicy and RateLimitPolicy; returns the seconds it took. */
  async function enforced(namespace: string): Promise<string> {
    const start = Date.now();
    await Promise.all([
      waitForPolicy(
        'AuthPolicy',
        { namespace, name: 'sim-auth' },
        { timeoutMs: POLICY_TIMEOUT_MS, kc },
      ),
      waitForPolicy(
        'RateLimitPolicy',
        { namespace, name: 'sim-rate-limits' },
        { timeoutMs: POLICY_TIMEOUT_MS, kc },
      ),
    ]);
    return ((Date.now() - start) / 1000).toFixed(1);
  }

  beforeAll(async () => {
    state = new ClusterState({
      kubeConfig: kc,
      logger: mockServices.logger.mock(),
      timeoutMs: 5000,
    });
    state.start();
    const unsynced = (await state.ready(15_000)).filter(
      s => s.state !== 'synced',
    );
    if (unsynced.length > 0) {
      throw new Error(
        `The cluster caches did not sync within 15 s: ${unsynced
          .map(s => `${s.kind}:${s.state}`)
          .join(', ')}`,
      );
    }
    service = new ModelService({
      config: readMaasConfig(new ConfigReader({})),
      state,
    });
  });

  afterAll(async () => {
    await state?.stop();
    for (const namespace of namespaces)
      await deleteTestNamespace(kc, namespace);
  });

  /*
   * The renderer cannot omit the TokenRateLimitPolicy: validateModelSpec requires a token limit on every
   * tier and renderModel always renders one. A model whose tiers have no token limit is therefore the
   * rendered model applied without its TRLP.
   */
  it('turns healthy once Kuadrant enforces the policies and the InferenceService is Ready (no token limits)', async () => {
    // Whole seconds: the API server records creation and write times to the second.
    const appliedFrom = Math.floor(Date.now() / 1000) * 1000;
    const { namespace, kinds } = await model(kc, 'health-notokens', true);
    const appliedTo = Date.now();
    namespaces.push(namespace);
    expect(kinds).toEqual([
      'InferenceService',
      'HTTPRoute',
      'AuthPolicy',
      'RateLimitPolicy',
    ]);
    const seconds = await enforced(namespace);
    // eslint-disable-next-line no-console
    console.log(
      `AuthPolicy + RateLimitPolicy Accepted and Enforced ${seconds} s after the apply`,
    );

    // Before KServe's part: the policies and route are fine, only the InferenceService is waited for.
    await eventually(() => {
      const verdict = health(namespace);
      expect(verdict.state).toBe('degraded');
      expect(verdict.waitingFor).toEqual(['KServe']);
      // Since the InferenceService was applied, not since some older object or the status writes.
      const since = Date.parse(verdict.waitingSince!);
      expect(since).toBeGreaterThanOrEqual(appliedFrom);
      expect(since).toBeLessThanOrEqual(appliedTo);
      expect(verdict.reasons.map(r => r.object)).toEqual([
        `InferenceService ${namespace}/sim`,
      ]);
    }, 15_000);

    await writeStatus(kc, INFERENCE_SERVICE, namespace, 'sim', readyIsvc);
    await eventually(
      () =>
        expect(health(namespace)).toEqual({ state: 'healthy', reasons: [] }),
      15_000,
    );
    const policies = service
      .getModel({ inferenceService: { namespace, name: 'sim' } })
      .policies.map(p => `${p.kind}/${p.name}:${p.accepted}/${p.enforced}`)
      .sort();
    expect(policies).toEqual([
      'AuthPolicy/sim-auth:true/true',
      'RateLimitPolicy/sim-rate-limits:true/true',
    ]);
  });

  /*
   * kuadrant-operator v1.2.0 has no TokenRateLimitPolicy controller, so the TRLP never gets a status
   * while the operator reports on the model's AuthPolicy and RateLimitPolicy: the verdict says that the
   * installed Kuadrant does not enforce token limits, not that it is waiting, and so do the tiers, over
   * the portal's HTTP API, to the developer who may read the model and to an admin. When the harness's
   * operator reports on TRLPs this test fails: then the model with token limits turns healthy too.
   */
  it("says the installed Kuadrant does not enforce the model's token limits (not 'waiting'), in its health and tiers, to a developer and an admin", async () => {
    const { namespace, kinds } = await model(kc, 'health-tokens', false);
    namespaces.push(namespace);
    expect(kinds).toContain('TokenRateLimitPolicy');
    await enforced(namespace);
    await writeStatus(kc, INFERENCE_SERVICE, namespace, 'sim', readyIsvc);
    const sentence =
      "kuadrant-operator reports on this model's AuthPolicy and RateLimitPolicy but not on " +
      `TokenRateLimitPolicy ${namespace}/sim-token-limits: the installed Kuadrant does not enforce token ` +
      'limits (Kuadrant 1.3 or newer does); tokens are not counted';
    await eventually(
      () =>
        expect(health(namespace)).toEqual({
          state: 'degraded',
          reasons: [
            {
              severity: 'degraded',
              object: `TokenRateLimitPolicy ${namespace}/sim-token-limits (on the route)`,
              message: sentence,
            },
          ],
        }),
      15_000,
    );

    const entityRef = `component:default/sim-${namespace}`;
    const server = await startMaasBackend({
      features: examplePolicyUsers({ [entityRef]: TEAM_A }),
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: `sim-${namespace}`,
            namespace: 'default',
            annotations: {
              [MAAS_INFERENCE_SERVICE_ANNOTATION]: `${namespace}/sim`,
              [MAAS_HTTP_ROUTE_ANNOTATION]: `${namespace}/sim-route`,
            },
          },
          spec: {
            type: 'model-server',
            owner: TEAM_A,
            lifecycle: 'production',
          },
        },
      ],
    });
    for (const user of [DEV_A, ADMIN]) {
      await eventually(async () => {
        const view = await request(server)
          .get(`/api/maas/models/by-entity?entityRef=${entityRef}`)
          .set(as(user));
        expect(view.status).toBe(200);
        expect(view.body.health).toEqual({
          state: 'degraded',
          reasons: [expect.objectContaining({ message: sentence })],
        });
        const tiers = await request(server)
          .get(`/api/maas/models/by-entity/tiers?entityRef=${entityRef}`)
          .set(as(user));
        expect(tiers.status).toBe(200);
        expect(tiers.body.warnings).toEqual([sentence]);
        // The token limits are still listed as written, the warning saying they are not in force.
        expect(
          (tiers.body as ModelTiers).tiers.flatMap(t =>
            t.tokens.map(l => l.source.name),
          ),
        ).toContain('sim-token-limits');
      }, 30_000);
    }
  });
});
