import { mockServices } from '@backstage/backend-test-utils';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  eventually,
  harnessEnv,
  harnessKubeConfig,
} from '@maas-portal/harness/testing';
import { ApiServerRelay } from '../__testUtils__/apiServerRelay';
import { ResourceCache } from './ResourceCache';
import { INFERENCE_SERVICE, ResourceKind } from '@maas-portal/plugin-maas-node';

const logger = mockServices.logger.mock();

/** A kind of our own, so that deleting its CRD disturbs no other test. */
function testKind(): ResourceKind {
  const suffix = randomBytes(3).toString('hex');
  return {
    kind: `Fault${suffix}`,
    group: 'faults.maas.test',
    version: 'v1',
    plural: `faults${suffix}`,
    product: 'The test CRD',
  };
}

async function createCrd(kc: KubeConfig, kind: ResourceKind) {
  await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
    body: {
      metadata: { name: `${kind.plural}.${kind.group}` },
      spec: {
        group: kind.group,
        scope: 'Namespaced',
        names: {
          kind: kind.kind,
          plural: kind.plural,
          singular: kind.plural.replace(/s$/, ''),
          listKind: `${kind.kind}List`,
        },
        versions: [
          {
            name: kind.version,
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                x_kubernetes_preserve_unknown_fields: true,
              },
            },
          },
        ],
      },
    },
  });
  await eventually(async () => {
    const crd = await kc
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: `${kind.plural}.${kind.group}` });
    expect(
      crd.status?.conditions?.find(c => c.type === 'Established')?.status,
    ).toBe('True');
  });
}

async function createItem(kc: KubeConfig, kind: ResourceKind, name: string) {
  await eventually(() =>
    kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace: 'default',
      body: {
        apiVersion: `${kind.group}/${kind.version}`,
        kind: kind.kind,
        metadata: { name, namespace: 'default' },
      },
    }),
  );
}

const names = (cache: ResourceCache<KubernetesObject>) =>
  cache
    .list()
    .map(o => o.metadata!.name)
    .sort();

describe('ResourceCache against the real API server', () => {
  const kc = () => harnessKubeConfig();

  /** A started cache of `kind`, a CRD made for the test, with one item. */
  async function startCacheOfNewKind(kind: ResourceKind, item: string) {
    await createCrd(kc(), kind);
    await createItem(kc(), kind, item);
    const cache = new ResourceCache({
      kubeConfig: kc(),
      kind,
      logger,
      timeoutMs: 5000,
    });
    cache.start();
    return cache;
  }

  it('lists, then follows changes through its watch', async () => {
    const kind = testKind();
    const cache = await startCacheOfNewKind(kind, 'a');
    try {
      expect((await cache.ready(10_000)).state).toBe('synced');
      expect(names(cache)).toEqual(['a']);
      await createItem(kc(), kind, 'b');
      await eventually(() => expect(names(cache)).toEqual(['a', 'b']));
      expect(cache.status().ageSeconds).toBe(0);
    } finally {
      await cache.stop();
    }
  });

  it('says the CRD is missing when it is deleted, and recovers when it is back', async () => {
    const kind = testKind();
    const cache = await startCacheOfNewKind(kind, 'a');
    try {
      await cache.ready(10_000);
      await kc()
        .makeApiClient(ApiextensionsV1Api)
        .deleteCustomResourceDefinition({
          name: `${kind.plural}.${kind.group}`,
        });
      await eventually(() => {
        const status = cache.status();
        expect(status.state).toBe('failed');
        expect(status.failure).toEqual({
          type: 'crd-missing',
          status: 404,
          message: `The test CRD is not installed in the cluster: the API server does not serve ${kind.kind} (${kind.group}/${kind.version}); install its CRDs first`,
        });
      }, 20_000);
      await createCrd(kc(), kind);
      await createItem(kc(), kind, 'c');
      await eventually(() => {
        expect(cache.status().state).toBe('synced');
        expect(names(cache)).toEqual(['c']);
      }, 40_000);
    } finally {
      await cache.stop();
    }
  }, 90_000);

  it('names the missing RBAC permission, and recovers once it is granted', async () => {
    const limited = new KubeConfig();
    limited.loadFromFile(harnessEnv('MAAS_HARNESS_LIMITED_KUBECONFIG'));
    const user = harnessEnv('MAAS_HARNESS_LIMITED_USER');
    const cache = new ResourceCache({
      kubeConfig: limited,
      kind: INFERENCE_SERVICE,
      logger,
      timeoutMs: 5000,
    });
    const rbac = kc().makeApiClient(RbacAuthorizationV1Api);
    const name = `maas-test-read-isvc-${randomBytes(3).toString('hex')}`;
    cache.start();
    try {
      const status = await cache.ready(10_000);
      expect(status.state).toBe('failed');
      expect(status.failure?.type).toBe('forbidden');
      expect(status.failure?.message).toMatch(
        /^The portal's Kubernetes account \(.+\) may not list inferenceservices\.serving\.kserve\.io; ask your cluster admin to grant it .*cannot list resource "inferenceservices"/,
      );
      await rbac.createClusterRole({
        body: {
          metadata: { name },
          rules: [
            {
              apiGroups: ['serving.kserve.io'],
              resources: ['inferenceservices'],
              verbs: ['list', 'watch'],
            },
          ],
        },
      });
      await rbac.createClusterRoleBinding({
        body: {
          metadata: { name },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name,
          },
          subjects: [
            { kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' },
          ],
        },
      });
      await eventually(
        () => expect(cache.status().state).toBe('synced'),
        40_000,
      );
    } finally {
      await cache.stop();
      await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
      await rbac.deleteClusterRole({ name }).catch(() => undefined);
    }
  }, 60_000);

  it('survives the API server going away mid-watch, reports its age meanwhile, and catches up', async () => {
    const kind = testKind();
    await createCrd(kc(), kind);
    await createItem(kc(), kind, 'before');
    const relay = new ApiServerRelay();
    await relay.start();
    const relayed = relay.kubeConfig();
    const cache = new ResourceCache({
      kubeConfig: relayed,
      kind,
      logger,
      timeoutMs: 2000,
    });
    cache.start();
    try {
      expect((await cache.ready(10_000)).state).toBe('synced');
      relay.down();
      await eventually(
        () => expect(cache.status().failure?.type).toBe('unreachable'),
        20_000,
      );
      await createItem(kc(), kind, 'during');
      await new Promise(r => setTimeout(r, 1500));
      expect(cache.status().ageSeconds).toBeGreaterThanOrEqual(1);
      expect(names(cache)).toEqual(['before']);
      relay.up();
      await eventually(() => {
        expect(cache.status().state).toBe('synced');
        expect(names(cache)).toEqual(['before', 'during']);
      }, 40_000);
      expect(cache.status().ageSeconds).toBe(0);
    } finally {
      await cache.stop();
      relay.close();
    }
  }, 90_000);
});
