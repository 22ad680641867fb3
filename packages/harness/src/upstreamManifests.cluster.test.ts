/*
 * The harness's API server judges objects as a real cluster does: the upstream MaaS manifests apply unchanged,
 * and an object that breaks a CEL rule of the pinned CRDs is refused with the server's own message.
 * Applied with server-side dry run (validation, defaulting and admission run; nothing is stored), so other
 * tests that apply the same objects for real are not disturbed.
 */
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { apiRefusal, harnessKubeConfig } from './testing/index.ts';

const REFERENCE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'reference',
  'maas-billing',
  'deployment',
);

/** The upstream install's own objects that a MaaS cluster holds, in the order its README applies them. */
const UPSTREAM_FILES = [
  'kuadrant/02-gateway-configuration.yaml',
  'kuadrant/03-model-routing-domains.yaml',
  'kuadrant/05-api-key-secrets.yaml',
  'kuadrant/06-auth-policies-apikey.yaml',
  'kuadrant/07-rate-limit-policies.yaml',
  'kuadrant/08-token-rate-limit-policy.yaml',
  'kuadrant/08-authorino-metrics-patch.yaml',
  'model_serving/vllm-latest-runtime.yaml',
  'model_serving/qwen3-0.6b-vllm-raw.yaml',
];

function readObjects(file: string): KubernetesObject[] {
  const full = path.join(REFERENCE, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `${full} not found: the upstream manifests are read from ../shared/reference beside the repository`,
    );
  }
  return YAML.parseAllDocuments(fs.readFileSync(full, 'utf8'))
    .map(doc => doc.toJS())
    .filter(o => o?.kind);
}

describe('upstream manifests on the harness API server', () => {
  const objects = KubernetesObjectApi.makeApiClient(harnessKubeConfig());
  const dryRunApply = (o: KubernetesObject) =>
    objects.patch(
      o,
      undefined,
      'All',
      'maas-harness-test',
      true,
      PatchStrategy.ServerSideApply,
    );

  it.each(UPSTREAM_FILES)('applies %s unchanged', async file => {
    const docs = readObjects(file);
    expect(docs.length).toBeGreaterThan(0);
    for (const o of docs) {
      const applied = await dryRunApply(o);
      expect(applied.kind).toBe(o.kind);
      expect(applied.metadata?.name).toBe(o.metadata?.name);
    }
  });

  it('keeps the InferenceService model name that Kubernetes 1.20 refused', async () => {
    const [isvc] = readObjects('model_serving/qwen3-0.6b-vllm-raw.yaml');
    const applied: any = await dryRunApply(isvc);
    expect(applied.spec.predictor.model.name).toBe('');
    expect(applied.spec.predictor.model.storageUri).toBe(
      'hf://Qwen/Qwen3-0.6B',
    );
  });

  /** A dry-run apply of `object` is refused as invalid (422), the message containing each of `parts`. */
  const expectInvalid = async (object: KubernetesObject, parts: string[]) => {
    const refused = await apiRefusal(dryRunApply(object));
    expect(refused.code).toBe(422);
    for (const part of parts) expect(refused.message).toContain(part);
  };

  const [upstreamRateLimits] = readObjects(
    'kuadrant/07-rate-limit-policies.yaml',
  );

  it('refuses a RateLimitPolicy with both limits and defaults (CEL rule of the CRD)', async () => {
    const spec = (upstreamRateLimits as any).spec;
    const both = {
      ...upstreamRateLimits,
      metadata: { name: 'limits-and-defaults', namespace: 'llm' },
      spec: { ...spec, defaults: { limits: spec.limits } },
    };
    await expectInvalid(both, [
      'RateLimitPolicy.kuadrant.io "limits-and-defaults" is invalid',
      'Implicit and explicit defaults are mutually exclusive',
    ]);
  });

  it('refuses a policy whose targetRef is of the wrong kind (CEL rule of the CRD)', async () => {
    const [authPolicy] = readObjects('kuadrant/06-auth-policies-apikey.yaml');
    const onService = {
      ...authPolicy,
      metadata: { name: 'auth-on-a-service', namespace: 'llm' },
      spec: {
        ...(authPolicy as any).spec,
        targetRef: {
          group: 'gateway.networking.k8s.io',
          kind: 'Service',
          name: 'inference-gateway',
        },
      },
    };
    await expectInvalid(onService, [
      'AuthPolicy.kuadrant.io "auth-on-a-service" is invalid',
      "Invalid targetRef.kind. The only supported values are 'HTTPRoute' and 'Gateway'",
    ]);
  });
});
