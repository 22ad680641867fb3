/* The test namespace of the keys-at-the-gateway tests: a Gateway, and models in it as the portal applies them. */
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  apiKeyAuthentication,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  namespaceGateway,
  routeAuthPolicy,
  serverSideApply,
} from '@maas-portal/harness/testing';
import { modelKeySelector } from '@maas-portal/plugin-maas-node';
import { httpRoute, inferenceService } from './harness';

/** Where the portal writes key Secrets in these tests, as Authorino reads them. */
export const KEYS_NAMESPACE = 'kuadrant-system';

/**
 * A test namespace with a Gateway, and models in it as the portal applies them: InferenceService,
 * HTTPRoute, and the AuthPolicy the renderer makes, bound to the InferenceService's UID.
 */
export class KeyNamespaceCluster {
  readonly uids: Record<string, string> = {};
  readonly core: CoreV1Api;
  readonly #objects: KubernetesObjectApi;

  private constructor(readonly kc: KubeConfig, readonly ns: string) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
  }

  static async start(): Promise<KeyNamespaceCluster> {
    const kc = harnessKubeConfig();
    const cluster = new KeyNamespaceCluster(
      kc,
      await createTestNamespace(kc, 'gwkeys'),
    );
    await cluster.#apply(namespaceGateway(cluster.ns));
    return cluster;
  }

  async stop(): Promise<void> {
    await deleteTestNamespace(this.kc, this.ns);
  }

  async #apply(object: object): Promise<KubernetesObject> {
    return serverSideApply(this.kc)(object);
  }

  async model(name: string): Promise<void> {
    const { ns } = this;
    const isvc = await this.#apply(inferenceService(ns, name));
    this.uids[name] = isvc.metadata!.uid!;
    await this.#apply(
      httpRoute(ns, name, {
        gateway: 'gw',
        hostnames: [`${name}.${ns}.local`],
      }),
    );
    // As scaffolder-backend-module-maas renders it (authPolicy.ts) and binds it at apply.
    const selector = modelKeySelector({
      namespace: ns,
      name,
      uid: this.uids[name],
    });
    await this.#apply(
      routeAuthPolicy(
        { name: `${name}-auth`, namespace: ns },
        `${name}-route`,
        {
          authentication: { 'api-key-users': apiKeyAuthentication(selector) },
          authorization: {
            'allow-tiers': {
              opa: {
                rego: [
                  'tiers := split(object.get(input.auth.identity.metadata.annotations, "kuadrant.io/groups", ""), ",")',
                  'allow { tiers[_] == "free" }',
                ].join('\n'),
              },
            },
          },
        },
      ),
    );
  }

  /** Deletes the model's InferenceService (its route and policy stay, as after `kubectl delete isvc`). */
  async deleteModel(name: string): Promise<void> {
    await this.#objects.delete({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name, namespace: this.ns },
    });
    await eventually(async () => {
      const status = await this.#objects
        .read({
          apiVersion: 'serving.kserve.io/v1beta1',
          kind: 'InferenceService',
          metadata: { name, namespace: this.ns },
        })
        .then(() => 200)
        .catch(e => e.code);
      if (status !== 404)
        throw new Error(`InferenceService ${name}: ${status}`);
    }, 10_000);
  }
}
