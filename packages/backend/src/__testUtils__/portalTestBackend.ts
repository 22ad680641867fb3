/*
 * The portal's backend as the cluster tests of this package run it: the real permission backend
 * with the portal's policy, the real catalog, Kubernetes and MaaS plugins on the harness's cluster,
 * and three signed-in users. Only sign-in is Backstage's test auth (mockCredentials) and group
 * membership a fixed table (what the catalog's sign-in resolver would put in the token).
 */
import {
  BackendFeature,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  DeferredEntity,
} from '@backstage/plugin-catalog-node';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  eventually,
  harnessEnv,
  kubernetesClusterLocators,
  kubernetesReaderCredentials,
  useTestNamespace,
  vllmInferenceServiceSpec,
} from '@maas-portal/harness/testing';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import maasPlugin from '@maas-portal/plugin-maas-backend';
import type { Server } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { kubernetesRouteGuardModule } from '../kubernetes/kubernetesRouteGuardModule';
import { maasPermissionPolicyModule } from '../permissions/maasPermissionPolicyModule';

/** The portal's Kubernetes accounts (deploy/rbac.yaml). */
export const RBAC_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'deploy',
  'rbac.yaml',
);

export const DEV_A = 'user:default/dev-a';
export const DEV_B = 'user:default/dev-b';
export const ADMIN = 'user:default/ops';
export const USERS = [DEV_A, DEV_B, ADMIN] as const;
export type User = (typeof USERS)[number];
/** Group membership, as the catalog's sign-in resolver puts it in a user's token. */
export const GROUPS: Record<User, string[]> = {
  [DEV_A]: ['group:default/team-a'],
  [DEV_B]: ['group:default/team-b'],
  [ADMIN]: ['group:default/platform-team'],
};
/** Owned by team A; its InferenceService names it back. */
export const MODEL_A = 'component:default/model-a';
/** A model deployed by hand: its InferenceService names no entity until an admin adopts it. */
export const MODEL_C = 'component:default/model-c';

/** The `Authorization` header of a user's request. */
export const authorizationOf = (user: User) =>
  mockCredentials.user.header(user);

/** Model A (InferenceService bound to its entity, and an HTTPRoute) and model C (unbound) in `ns`. */
export async function createModelObjects(kc: KubeConfig, ns: string) {
  const api = kc.makeApiClient(CustomObjectsApi);
  const inferenceService = (name: string, annotations: object) =>
    api.createNamespacedCustomObject({
      group: 'serving.kserve.io',
      version: 'v1beta1',
      plural: 'inferenceservices',
      namespace: ns,
      body: {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name, namespace: ns, annotations },
        spec: vllmInferenceServiceSpec(),
      },
    });
  await inferenceService('model-a', {
    [MAAS_BOUND_ENTITY_ANNOTATION]: MODEL_A,
    [MAAS_MODEL_OWNER_ANNOTATION]: 'group:default/team-a',
  });
  await inferenceService('model-c', {});
  await api.createNamespacedCustomObject({
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    namespace: ns,
    body: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'model-a-route', namespace: ns },
      spec: {
        parentRefs: [{ name: 'inference-gateway' }],
        hostnames: [`model-a-${ns}.maas.local`],
        rules: [{ backendRefs: [{ name: 'model-a-predictor', port: 80 }] }],
      },
    },
  });
}

type Entity = DeferredEntity['entity'];

/** A model's entity naming InferenceService `ns/name`, owned by team A. */
export function modelEntity(
  ns: string,
  name: string,
  annotations: object = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': 'url:test',
        'backstage.io/managed-by-origin-location': 'url:test',
        [MAAS_INFERENCE_SERVICE_ANNOTATION]: `${ns}/${name}`,
        ...annotations,
      },
    },
    spec: {
      type: 'model-server',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
}

/** `entities` in the real catalog, as from an entity provider (the catalog processes them). */
export function testEntityProvider(entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-entities',
    register(reg) {
      reg.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'test-entities',
            connect: async connection =>
              connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  entity,
                  locationKey: 'test',
                })),
              }),
          });
        },
      });
    },
  });
}

/** Models A (with its HTTPRoute) and C of `ns`, and `more`, in the real catalog. */
const testEntities = (ns: string, more: Entity[]) =>
  testEntityProvider([
    modelEntity(ns, 'model-a', {
      [MAAS_HTTP_ROUTE_ANNOTATION]: `${ns}/model-a-route`,
    }),
    modelEntity(ns, 'model-c'),
    ...more,
  ]);

/** The signed-in user and its groups from `GROUPS`, as the catalog's sign-in resolver gives them. */
export const testUserInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: User })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
      };
    },
  }),
});

// Backstage's real auth marks a call a plugin makes on a user's behalf (the catalog asking the
// permission backend) with the plugin as actor; the mock does not, and the permission backend
// refuses such a call as a direct user request. This adds the actor, as the real one does.
const httpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const mock = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      issueUserCookie: mock.issueUserCookie.bind(mock),
      async credentials(
        req: Parameters<typeof mock.credentials>[0],
        options?: any,
      ) {
        const credentials = await mock.credentials(req, options);
        const onBehalf = req
          .header('authorization')
          ?.startsWith(`Bearer ${mockCredentials.service.token()}`);
        const principal = credentials.principal as {
          type: string;
          userEntityRef?: string;
        };
        return onBehalf && principal.type === 'user'
          ? (mockCredentials.user(principal.userEntityRef, {
              actor: { subject: 'plugin:on-behalf-of' },
            }) as any)
          : credentials;
      },
    } as any;
  },
});

/**
 * Starts the backend with models A and C of `ns` (and `entities`) in its catalog; key Secrets in
 * `ns` (not the shared kuadrant-system). `maas` is merged over the MaaS config; `features` are
 * added.
 */
export async function startPortalTestBackend(options: {
  kc: KubeConfig;
  ns: string;
  maas?: Record<string, unknown>;
  features?: BackendFeature[];
  /** More top-level config, e.g. `catalog` (its rules and locations). */
  config?: Record<string, unknown>;
  /** More entities in the catalog, e.g. the Create model template. */
  entities?: Entity[];
}) {
  const { kc, ns } = options;
  // The Kubernetes plugin signs in as its own account, as deploy/values.yaml has it.
  const reader = await kubernetesReaderCredentials(kc, RBAC_FILE);
  return startTestBackend({
    features: [
      permissionPlugin,
      maasPermissionPolicyModule,
      permissionsServiceFactory,
      testUserInfo,
      httpAuth,
      catalogPlugin,
      testEntities(ns, options.entities ?? []),
      kubernetesPlugin,
      kubernetesRouteGuardModule,
      maasPlugin,
      ...(options.features ?? []),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: kubernetesClusterLocators(reader.kubeConfig),
          },
          maas: {
            adminGroups: ['group:default/platform-team'],
            namespace: ns,
            cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
            prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
            keys: { maxActivePerUserAndModel: 100, namespace: ns },
            ...options.maas,
          },
          ...options.config,
        },
      }),
    ],
  });
}

/** A started portal test backend, as a test file reads it. */
export interface PortalWithModels {
  readonly kc: KubeConfig;
  readonly ns: string;
  /** Its HTTP server, as supertest is given it. */
  readonly server: Server;
}

/**
 * For a test file: a test namespace (named after `prefix`) with models A and C, the portal test
 * backend on it with `maas` config, waited on until the catalog has stitched model A's entity and
 * the MaaS caches have seen its InferenceService and model C's (unbound, so adoptable); the
 * namespace deleted after the tests. Read `kc`, `ns` and `server` inside hooks and tests.
 */
export function usePortalWithModels(
  prefix: string,
  options: { maas?: Record<string, unknown> } = {},
): PortalWithModels {
  const cluster = useTestNamespace(prefix);
  let server: Server | undefined;
  beforeAll(async () => {
    const { admin: kc, namespace: ns } = cluster;
    await createModelObjects(kc, ns);
    ({ server } = await startPortalTestBackend({ kc, ns, maas: options.maas }));
    const get = (route: string) =>
      request(server!)
        .get(`/api/maas${route}`)
        .set('Authorization', authorizationOf(ADMIN));
    await eventually(async () => {
      const a = await get(`/models/by-entity?entityRef=${MODEL_A}`);
      const c = await get(`/models/by-entity/binding?entityRef=${MODEL_C}`);
      if (!a.body.inferenceService?.found || c.body.canAdopt !== true) {
        throw new Error(
          `Not ready: ${JSON.stringify(a.body)} ${JSON.stringify(c.body)}`,
        );
      }
    }, 60_000);
  }, 180_000);
  return {
    get kc() {
      return cluster.admin;
    },
    get ns() {
      return cluster.namespace;
    },
    get server() {
      if (!server)
        throw new Error(
          'the portal backend starts in beforeAll: read it in a hook or test',
        );
      return server;
    },
  };
}
