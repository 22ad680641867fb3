/*
 * deploy/rbac.yaml proven on the harness's real API server: the file is applied (server-side), the
 * portal's backend (MaaS, Create model through the real scaffolder, the catalog provider) runs with a
 * TokenRequest token of its ServiceAccount instead of the admin, the Kubernetes tab's reads with one
 * of the Kubernetes plugin's own ServiceAccount, and every feature passes. Then each rule of the file is removed in turn and the feature that needs it
 * fails with the portal's sentence naming the missing verb and resource; last, the portal's
 * bindings are revoked while it runs and restored, and it recovers without a restart.
 * Sign-in is Backstage's test auth (mockCredentials) with two users, a developer and an admin.
 *
 * This is the bed those tests share (rbacAccounts, rbacFeatures and rbacDrill.cluster.test.ts).
 */
import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  V1PolicyRule,
} from '@kubernetes/client-node';
import {
  apiKeyAuthentication,
  applyManifests,
  createTestNamespace,
  deleteManifests,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  routeAuthPolicy,
  serviceAccountKubeconfig,
  ServiceAccountCredentials,
  untilAuthorized,
  vllmInferenceServiceSpec,
} from '@maas-portal/harness/testing';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import maasPlugin from '@maas-portal/plugin-maas-backend';
import scaffolderModuleMaas from '@maas-portal/plugin-scaffolder-backend-module-maas';
import catalogModuleMaas from '@maas-portal/plugin-catalog-backend-module-maas';
import https from 'node:https';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  ADMIN,
  DEV_A as DEV,
  modelEntity,
  testEntityProvider,
  testUserInfo as userInfo,
} from './portalTestBackend';
import {
  createModelOrgEntities,
  createModelTemplateEntity,
  runCreateModel,
  simulatorModelValues,
} from './createModelTemplate';
import {
  localized,
  MODEL_A,
  MODEL_C,
  MODEL_D,
  Places,
  READER,
  TAB_OBJECTS,
} from './rbacManifests';

/** A logger that keeps every message, to read what the key task said. */
function capturingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: m => void lines.push(m),
    warn: m => void lines.push(m),
    info: m => void lines.push(m),
    debug: () => undefined,
    child: () => logger,
  };
  return logger;
}

/**
 * deploy/rbac.yaml on the harness's API server for a test file: applied, the portal started as its
 * ServiceAccount, before the tests; the portal stopped, the cluster-scoped objects and namespaces
 * deleted after them. Read its fields inside hooks and tests.
 */
export function useRbacBed() {
  let admin: KubeConfig;
  let places: Places;
  let rbac: KubernetesObject[];
  let impersonation: KubernetesObject[] | undefined;
  let sa: ServiceAccountCredentials;
  /** The Kubernetes plugin's own account. */
  let reader: ServiceAccountCredentials;
  let server: Server;
  let stopMain: () => Promise<void>;
  const scheduler = mockServices.scheduler();
  const logs: string[] = [];

  const header = (user: string) => mockCredentials.user.header(user);
  const get = (url: string, user = ADMIN) =>
    request(server).get(url).set('Authorization', header(user));
  const post = (url: string, user = ADMIN, body: object = {}) =>
    request(server).post(url).set('Authorization', header(user)).send(body);
  const maasConfig = () => ({
    adminGroups: ['group:default/platform-team'],
    namespace: places.models,
    gateway: { name: 'inference-gateway', namespace: places.models },
    cluster: { kubeconfig: sa.file, requestTimeoutMs: 5000 },
    keys: { namespace: places.keys, maxActivePerUserAndModel: 100 },
    create: { namespaces: [{ namespace: places.models }] },
    approvals: { allowSelfApproval: false },
  });
  const isvc = (name: string, annotations: Record<string, string> = {}) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name, namespace: places.hand, annotations },
    spec: vllmInferenceServiceSpec(),
  });
  const route = (model: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `${model}-route`, namespace: places.hand },
    spec: {
      parentRefs: [{ name: 'inference-gateway' }],
      hostnames: [`${model}-${places.hand}.maas.local`],
      rules: [{ backendRefs: [{ name: `${model}-predictor`, port: 80 }] }],
    },
  });
  /** A model's entity, named by `ref`, for the Kubernetes tab by its label too. */
  const modelOf = (ref: string) => {
    const name = ref.split('/')[1];
    return modelEntity(places.hand, name, {
      'backstage.io/kubernetes-id': name,
    });
  };
  const entities = () => [
    modelOf(MODEL_A),
    modelOf(MODEL_C),
    modelOf(MODEL_D),
    createModelTemplateEntity(),
    ...createModelOrgEntities(),
  ];

  /** A second replica with only the MaaS plugin: its caches list the cluster as it is now. */
  async function startReplica() {
    const replica = await startTestBackend({
      features: [
        maasPlugin,
        userInfo,
        catalogServiceMock.factory({ entities: entities() as any }),
        mockServices.rootConfig.factory({ data: { maas: maasConfig() } }),
      ],
    });
    const call = (url: string) =>
      request(replica.server)
        .get(`/api/maas${url}`)
        .set('Authorization', header(ADMIN));
    return { call, stop: () => replica.stop() };
  }

  /** Runs `probe` while rule `index` of the file's role `roleName` is removed, then puts it back. */
  async function withoutRule<T>(
    roleName: string,
    index: number,
    probe: () => Promise<T>,
  ): Promise<T> {
    // Every copy of the role (the model namespaces' Role is in two namespaces).
    const roles = rbac.filter(
      o =>
        /Role$/.test(o.kind!) &&
        (o.metadata!.name === roleName ||
          o.metadata!.name === `${roleName}-${places.portal}`),
    ) as Array<KubernetesObject & { rules: V1PolicyRule[] }>;
    const reduced = roles.map(role => ({
      ...role,
      rules: role.rules.filter((_, i) => i !== index),
    }));
    await applyRolesSeen(reduced);
    try {
      return await probe();
    } finally {
      await applyRolesSeen(roles);
    }
  }

  let appliedRoles = 0;
  /**
   * Applies `roles` and waits until the API server authorizes by them. Its RBAC authorizer reads roles
   * from an informer, so a rule removed takes effect a moment after the apply (under a full run, once
   * after the probe's first list). Each role carries a marker rule of its own for this apply; once a
   * SubjectAccessReview allows the marker to the role's subjects, the authorizer holds this version.
   */
  async function applyRolesSeen(
    roles: Array<KubernetesObject & { rules: V1PolicyRule[] }>,
  ) {
    const marker = `rbac-apply-${(appliedRoles += 1)}`;
    const markerRule: V1PolicyRule = {
      apiGroups: ['maas.test'],
      resources: [marker],
      verbs: ['get'],
    };
    await applyManifests(
      admin,
      roles.map(role => ({ ...role, rules: [...role.rules, markerRule] })),
    );
    for (const role of roles) {
      const namespace = role.metadata!.namespace;
      const users = rbac
        .filter(
          (b: any) =>
            /Binding$/.test(b.kind!) &&
            b.roleRef?.kind === role.kind &&
            b.roleRef?.name === role.metadata!.name &&
            b.metadata!.namespace === namespace,
        )
        .flatMap((b: any) => b.subjects ?? [])
        .filter((s: any) => s.kind === 'ServiceAccount')
        .map(
          (s: any) =>
            `system:serviceaccount:${s.namespace ?? namespace}:${s.name}`,
        );
      expect(users.length).toBeGreaterThan(0);
      for (const user of users)
        await untilAuthorized(admin, {
          user,
          verb: 'get',
          group: 'maas.test',
          resource: marker,
          namespace,
        });
    }
  }

  async function keyOf(user: string, tier: 'free' | 'premium') {
    const res = await post('/api/maas/keys/requests', user, {
      entityRef: MODEL_A,
      tier,
      reason: 'rbac',
    });
    return res;
  }
  /** A premium key of the developer, approved by the admin: its Secret exists, not yet shown. */
  async function approvedKey() {
    const asked = await keyOf(DEV, 'premium');
    expect(asked.status).toBe(201);
    const decided = await post('/api/maas/keys/requests/decisions', ADMIN, {
      ids: [asked.body.request.id],
      decision: 'approve',
    });
    expect(decided.body[0]).toMatchObject({ ok: true });
    return decided.body[0].request.keyId as string;
  }
  async function freeKey() {
    const res = await keyOf(DEV, 'free');
    expect(res.status).toBe(201);
    return res.body.issued.key.id as string;
  }
  /**
   * What the Kubernetes tab reads: the kinds app-config.yaml gives the Kubernetes plugin, each listed
   * across namespaces by the entity's label, with the plugin's own token, as its fetcher does. (Its
   * fetcher cannot run under Jest: it loads @kubernetes/client-node with a dynamic import, which
   * needs --experimental-vm-modules.) The status of each list, by `group/plural`.
   */
  async function kubernetesTab(): Promise<Record<string, number>> {
    const cluster = reader.kubeConfig.getCurrentCluster()!;
    const options = {
      ca: Buffer.from(cluster.caData!, 'base64'),
      headers: { authorization: `Bearer ${reader.token}` },
    };
    const statuses: Record<string, number> = {};
    for (const o of TAB_OBJECTS) {
      const base = o.group
        ? `/apis/${o.group}/${o.apiVersion}`
        : `/api/${o.apiVersion}`;
      const url = new URL(`${cluster.server}${base}/${o.plural}`);
      url.searchParams.set(
        'labelSelector',
        'backstage.io/kubernetes-id=rbac-model-a',
      );
      statuses[`${o.group || 'core'}/${o.plural}`] = await new Promise(
        (resolve, reject) =>
          https
            .get(url, options, res => {
              res.resume();
              resolve(res.statusCode!);
            })
            .on('error', reject),
      );
    }
    return statuses;
  }
  const createModel = (name: string) =>
    runCreateModel(
      server,
      header(ADMIN),
      simulatorModelValues({
        name,
        namespace: places.models,
        hostname: `${name}-${places.models}.maas.local`,
      }),
    );

  beforeAll(async () => {
    admin = harnessKubeConfig();
    places = {
      portal: await createTestNamespace(admin, 'rbac-portal'),
      keys: await createTestNamespace(admin, 'rbac-keys'),
      models: await createTestNamespace(admin, 'rbac-models'),
      hand: await createTestNamespace(admin, 'rbac-hand'),
    };
    rbac = localized(places);
    await applyManifests(admin, rbac);
    sa = await serviceAccountKubeconfig(admin, {
      namespace: places.portal,
      name: 'maas-portal',
    });
    reader = await serviceAccountKubeconfig(admin, {
      namespace: places.portal,
      name: READER,
    });

    const api = admin.makeApiClient(CustomObjectsApi);
    const create = (
      plural: string,
      group: string,
      version: string,
      body: any,
    ) =>
      api.createNamespacedCustomObject({
        group,
        version,
        plural,
        namespace: body.metadata.namespace,
        body,
      });
    await create(
      'inferenceservices',
      'serving.kserve.io',
      'v1beta1',
      isvc('rbac-model-a', {
        [MAAS_BOUND_ENTITY_ANNOTATION]: MODEL_A,
        [MAAS_MODEL_OWNER_ANNOTATION]: 'group:default/team-a',
      }),
    );
    for (const model of ['rbac-model-c', 'rbac-model-d'])
      await create(
        'inferenceservices',
        'serving.kserve.io',
        'v1beta1',
        isvc(model),
      );
    for (const model of ['rbac-model-a', 'rbac-model-c'])
      await create(
        'httproutes',
        'gateway.networking.k8s.io',
        'v1',
        route(model),
      );
    // A key made by hand before model C was adopted, selected by its AuthPolicy.
    const outsideLabels = { app: `outside-${places.hand}` };
    await create(
      'authpolicies',
      'kuadrant.io',
      'v1',
      routeAuthPolicy(
        { name: 'rbac-model-c-auth', namespace: places.hand },
        'rbac-model-c-route',
        { authentication: { 'api-key': apiKeyAuthentication(outsideLabels) } },
      ),
    );
    await admin.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: places.keys,
      body: {
        metadata: {
          name: 'hand-made-key',
          labels: { ...outsideLabels, 'kuadrant.io/auth-secret': 'true' },
        },
        stringData: { api_key: 'hand-made' },
      },
    });

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogEntityModel,
        testEntityProvider(entities() as any),
        catalogModuleMaas,
        scaffolderPlugin,
        scaffolderModuleMaas,
        maasPlugin,
        userInfo,
        // Scheduled tasks run when a test triggers them, not on a timer.
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: {},
          factory: () => capturingLogger(logs),
        }),
        mockServices.rootConfig.factory({
          data: {
            maas: maasConfig(),
          },
        }),
      ],
    });
    server = backend.server;
    stopMain = () => backend.stop();
    // The catalog has stitched the entities and the MaaS caches have listed the cluster.
    await eventually(async () => {
      const a = await get(`/api/maas/models/by-entity?entityRef=${MODEL_A}`);
      const t = await get(
        '/api/catalog/entities/by-name/template/default/create-model',
      );
      if (!a.body.inferenceService?.found || t.status !== 200)
        throw new Error(
          `Not ready: ${a.status} ${JSON.stringify(a.body)} ${t.status}`,
        );
    }, 60_000);
  }, 120_000);

  afterAll(async () => {
    await stopMain?.();
    if (rbac)
      await deleteManifests(
        admin,
        [...rbac, ...(impersonation ?? [])].filter(o =>
          /^Cluster/.test(o.kind!),
        ),
      );
    for (const ns of Object.values(places ?? {}))
      await deleteTestNamespace(admin, ns);
  });

  /** The message of an error answer, or of a list's warnings. */
  const said = (res: request.Response) =>
    res.body?.error?.message ?? (res.body?.warnings ?? []).join(' | ');
  const byEntity = `/models/by-entity?entityRef=${MODEL_A}`;

  return {
    get admin() {
      return admin;
    },
    get places() {
      return places;
    },
    get rbac() {
      return rbac;
    },
    get sa() {
      return sa;
    },
    get reader() {
      return reader;
    },
    get server() {
      return server;
    },
    get impersonation() {
      return impersonation;
    },
    /** rbac-impersonation.yaml as applied by a test: its cluster-scoped objects go in afterAll. */
    set impersonation(objects: KubernetesObject[] | undefined) {
      impersonation = objects;
    },
    scheduler,
    logs,
    header,
    get,
    post,
    maasConfig,
    isvc,
    route,
    modelOf,
    entities,
    startReplica,
    withoutRule,
    keyOf,
    approvedKey,
    freeKey,
    kubernetesTab,
    createModel,
    said,
    byEntity,
  };
}
