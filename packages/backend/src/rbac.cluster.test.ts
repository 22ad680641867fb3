/*
 * deploy/rbac.yaml proven on the harness's real API server: the file is applied (server-side), the
 * portal's backend (MaaS, Create model through the real scaffolder, the catalog provider) runs with a
 * TokenRequest token of its ServiceAccount instead of the admin, the Kubernetes tab's reads with one
 * of the Kubernetes plugin's own ServiceAccount, and every feature passes. Then each rule of the file is removed in turn and the feature that needs it
 * fails with the portal's sentence naming the missing verb and resource; last, the portal's
 * bindings are revoked while it runs and restored, and it recovers without a restart.
 * Sign-in is Backstage's test auth (mockCredentials) with two users, a developer and an admin.
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
import { DEFAULT_OBJECTS } from '@backstage/plugin-kubernetes-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  V1PolicyRule,
} from '@kubernetes/client-node';
import { impersonating } from '@maas-portal/plugin-maas-node';
import {
  apiKeyAuthentication,
  applyManifests,
  createTestNamespace,
  deleteManifests,
  deleteTestNamespace,
  eventually,
  harnessKubeConfig,
  readManifests,
  routeAuthPolicy,
  serviceAccountKubeconfig,
  ServiceAccountCredentials,
  vllmInferenceServiceSpec,
} from '@maas-portal/harness/testing';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_FIELD_MANAGER,
  MAAS_KEY_LABELS,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import maasPlugin from '@maas-portal/plugin-maas-backend';
import scaffolderModuleMaas from '@maas-portal/plugin-scaffolder-backend-module-maas';
import catalogModuleMaas from '@maas-portal/plugin-catalog-backend-module-maas';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  ADMIN,
  DEV_A as DEV,
  modelEntity,
  testEntityProvider,
  testUserInfo as userInfo,
} from './__testUtils__/portalTestBackend';
import {
  createModelOrgEntities,
  createModelTemplateEntity,
  ENTITY_TASK,
  KEY_TASK,
  runCreateModel,
  simulatorModelValues,
} from './__testUtils__/createModelTemplate';

jest.setTimeout(60_000);

const RBAC_FILE = path.resolve(__dirname, '../../../deploy/rbac.yaml');
const IMPERSONATION_FILE = path.resolve(
  __dirname,
  '../../../deploy/rbac-impersonation.yaml',
);
/**
 * What a model's Kubernetes tab lists, as app-config.yaml configures the Kubernetes plugin: its
 * objectTypes (the plugin's own table gives their API groups) and customResources.
 */
const TAB_OBJECTS = (() => {
  const { kubernetes } = YAML.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../../../app-config.yaml'),
      'utf8',
    ),
  ) as {
    kubernetes: {
      objectTypes: string[];
      customResources: Array<{
        group: string;
        apiVersion: string;
        plural: string;
      }>;
    };
  };
  return [
    ...DEFAULT_OBJECTS.filter(o =>
      kubernetes.objectTypes.includes(o.objectType),
    ),
    ...kubernetes.customResources,
  ];
})();
const READER = 'maas-kubernetes-reader';
const MODEL_A = 'component:default/rbac-model-a';
/** Deployed by hand: bound to its entity by an admin's Adopt. */
const MODEL_C = 'component:default/rbac-model-c';
const MODEL_D = 'component:default/rbac-model-d';

/** The namespaces of the file, replaced by this test's own (the API server is shared). */
interface Places {
  portal: string;
  keys: string;
  models: string;
  hand: string;
}

/**
 * deploy/rbac.yaml (or `file`) for this test's namespaces, cluster-scoped names made unique. The
 * model namespaces' Role and RoleBinding are copied into `hand` too, as the file says to do per
 * model namespace: Adopt binds models deployed there.
 */
function localized(places: Places, file = RBAC_FILE): KubernetesObject[] {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/namespace: backstage$/gm, `namespace: ${places.portal}`)
    .replace(/namespace: kuadrant-system$/gm, `namespace: ${places.keys}`)
    .replace(/namespace: llm$/gm, `namespace: ${places.models}`);
  const localFile = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-')),
    'rbac.yaml',
  );
  fs.writeFileSync(localFile, text);
  const objects = readManifests(localFile);
  const perModelNamespace = objects
    .filter(o => o.metadata!.name === 'maas-portal-models')
    .map(o => ({
      ...o,
      metadata: { ...o.metadata, namespace: places.hand },
    }));
  return [...objects, ...perModelNamespace].map(o => {
    if (o.kind !== 'ClusterRole' && o.kind !== 'ClusterRoleBinding') return o;
    const copy = JSON.parse(JSON.stringify(o));
    copy.metadata.name = `${o.metadata!.name}-${places.portal}`;
    if (copy.roleRef) copy.roleRef.name = copy.metadata.name;
    return copy;
  });
}

/** `<role>: <groups> <resources> [<verbs>]`: the name of one rule in the table below. */
function ruleId(role: string, rule: V1PolicyRule): string {
  return `${role}: ${
    rule.apiGroups!.join(',') || 'core'
  } ${rule.resources!.join(',')} [${rule.verbs.join(',')}]`;
}

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

describe('deploy/rbac.yaml on a real API server', () => {
  let admin: KubeConfig;
  let places: Places;
  let rbac: KubernetesObject[];
  let impersonation: KubernetesObject[] | undefined;
  let sa: ServiceAccountCredentials;
  /** The Kubernetes plugin's own account. */
  let reader: ServiceAccountCredentials;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
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
    await applyManifests(admin, reduced);
    try {
      return await probe();
    } finally {
      await applyManifests(admin, roles);
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

  it('runs as the ServiceAccount, not as the admin', async () => {
    expect(sa.user).toBe(`system:serviceaccount:${places.portal}:maas-portal`);
    const denied = await sa.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedSecret({ namespace: places.hand })
      .catch(e => e);
    expect(denied.code).toBe(403);
    expect(reader.user).toBe(
      `system:serviceaccount:${places.portal}:${READER}`,
    );
  });

  /** Whether the API server lets `user` do `verb` on `resource` in `namespace` ('' for all). */
  const allowed = async (
    user: string,
    verb: string,
    resource: string,
    namespace: string,
    group = '',
  ) => {
    const review = await admin
      .makeApiClient(AuthorizationV1Api)
      .createSubjectAccessReview({
        body: {
          spec: {
            user,
            groups: ['system:serviceaccounts', 'system:authenticated'],
            resourceAttributes: { verb, resource, group, namespace },
          },
        },
      });
    return `${verb} ${resource}${namespace ? ` in ${namespace}` : ''}: ${
      review.status!.allowed ? 'allowed' : 'denied'
    }`;
  };

  it("H1: the Kubernetes plugin's ServiceAccount cannot get, list or watch Secrets anywhere", async () => {
    const namespaces = [
      '',
      places.keys,
      places.portal,
      places.models,
      places.hand,
      'kube-system',
    ];
    const answers: string[] = [];
    for (const namespace of namespaces)
      for (const verb of ['get', 'list', 'watch'])
        answers.push(await allowed(reader.user, verb, 'secrets', namespace));
    expect(answers.filter(a => !a.endsWith('denied'))).toEqual([]);
    expect(answers).toHaveLength(namespaces.length * 3);
    // And for real: its token lists no key Secret, nor reads the one by name.
    const core = reader.kubeConfig.makeApiClient(CoreV1Api);
    for (const call of [
      () => core.listNamespacedSecret({ namespace: places.keys }),
      () => core.listSecretForAllNamespaces(),
      () =>
        core.readNamespacedSecret({
          namespace: places.keys,
          name: 'hand-made-key',
        }),
    ])
      expect((await call().catch(e => e)).code).toBe(403);
    // The suite's own account still reads them (keys), in the keys namespace only.
    expect(await allowed(sa.user, 'get', 'secrets', places.keys)).toMatch(
      /allowed$/,
    );
    expect(await allowed(sa.user, 'get', 'secrets', '')).toMatch(/denied$/);
  });

  it('M6: the portal may impersonate only the users and groups rbac-impersonation.yaml names, and writes InferenceServices only in model namespaces', async () => {
    impersonation = localized(places, IMPERSONATION_FILE);
    await applyManifests(admin, impersonation);
    /** Who the API server takes a request to be, or its refusal. */
    const seenAs = async (user: string, groups: string[]) => {
      const kc = impersonating(sa.kubeConfig, { user, groups });
      try {
        const review = await kc
          .makeApiClient(AuthenticationV1Api)
          .createSelfSubjectReview({ body: {} });
        const info = review.status!.userInfo!;
        return `${info.username} ${(info.groups ?? [])
          .filter(g => g.startsWith('group:'))
          .join(',')}`;
      } catch (error) {
        return `refused ${(error as { code?: number }).code}`;
      }
    };
    await eventually(async () => {
      if ((await seenAs('user:default/jane', [])).startsWith('refused'))
        throw new Error('impersonation not granted yet');
    }, 10_000);
    expect({
      developer: await seenAs('user:default/jane', ['group:default/team-a']),
      otherTeam: await seenAs('user:default/bob', ['group:default/team-b']),
      admin: await seenAs('user:default/ops', ['group:default/platform-team']),
      masters: await seenAs('user:default/ops', ['system:masters']),
      systemAdmin: await seenAs('system:admin', []),
      unlisted: await seenAs('user:default/mallory', []),
      unlistedGroup: await seenAs('user:default/jane', [
        'group:default/team-b-admins',
      ]),
      serviceAccount: await seenAs(
        `system:serviceaccount:${places.portal}:${READER}`,
        [],
      ),
    }).toEqual({
      developer: 'user:default/jane group:default/team-a',
      otherTeam: 'user:default/bob group:default/team-b',
      admin: 'user:default/ops group:default/platform-team',
      masters: 'refused 403',
      systemAdmin: 'refused 403',
      unlisted: 'refused 403',
      unlistedGroup: 'refused 403',
      serviceAccount: 'refused 403',
    });

    // Writes: InferenceServices patched in the model namespaces' Role only, not cluster-wide.
    const isvcs = (verb: string, namespace: string) =>
      allowed(
        sa.user,
        verb,
        'inferenceservices',
        namespace,
        'serving.kserve.io',
      );
    expect([
      await isvcs('patch', places.models),
      await isvcs('patch', places.hand),
      await isvcs('patch', places.keys),
      await isvcs('patch', ''),
      await isvcs('list', ''),
    ]).toEqual([
      `patch inferenceservices in ${places.models}: allowed`,
      `patch inferenceservices in ${places.hand}: allowed`,
      `patch inferenceservices in ${places.keys}: denied`,
      'patch inferenceservices: denied',
      'list inferenceservices: allowed',
    ]);
    // The suite's account lists none of the Kubernetes tab's other kinds any more.
    expect([
      await allowed(sa.user, 'list', 'configmaps', ''),
      await allowed(sa.user, 'list', 'pods', ''),
    ]).toEqual(['list configmaps: denied', 'list pods: denied']);
  });

  it('passes every feature with exactly deploy/rbac.yaml', async () => {
    // Models list, a model's health, tiers: no warning about the cluster.
    const models = await get('/api/maas/models');
    expect(models.status).toBe(200);
    expect(models.body.warnings).toEqual([]);
    const model = await get(`/api/maas/models/by-entity?entityRef=${MODEL_A}`);
    expect(model.body).toMatchObject({ warnings: [], route: { found: true } });
    expect(model.body.health).toBeDefined();
    const tiers = await get(
      `/api/maas/models/by-entity/tiers?entityRef=${MODEL_A}`,
    );
    expect(tiers.status).toBe(200);
    expect(tiers.body.warnings.join()).not.toMatch(/may not/);

    // Keys: issue, approve, reveal once, rotate, tier change, revoke.
    const keyId = await approvedKey();
    const revealed = await post(`/api/maas/keys/${keyId}/reveal`, DEV);
    expect(revealed.status).toBe(200);
    expect(revealed.body.value).toMatch(/^maas_/);
    const rotated = await post(`/api/maas/keys/${keyId}/rotate`, DEV);
    expect(rotated.status).toBe(201);
    const free = await freeKey();
    const change = await post(`/api/maas/keys/${free}/tier-change`, DEV, {
      tier: 'premium',
      reason: 'rbac',
    });
    expect(change.status).toBe(201);
    const changed = await post('/api/maas/keys/requests/decisions', ADMIN, {
      ids: [change.body.id ?? change.body.request?.id],
      decision: 'approve',
    });
    expect(changed.body[0]).toMatchObject({ ok: true });
    expect((await post(`/api/maas/keys/${free}/revoke`, DEV)).status).toBe(200);

    // Reconcile: a Secret left for the revoked key is deleted by the key task.
    await admin.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: places.keys,
      body: {
        metadata: {
          name: `maas-key-${free}`,
          labels: {
            [MAAS_KEY_LABELS.managedBy]: MAAS_FIELD_MANAGER,
            [MAAS_KEY_LABELS.keyId]: free,
          },
        },
        stringData: { api_key: 'left-over' },
      },
    });
    await scheduler.triggerTask(KEY_TASK);
    expect(logs.join('\n')).toContain(
      `Reconcile deleted Secret ${places.keys}/maas-key-${free}: its key is revoked`,
    );

    // Adoption, then the key made outside the portal is listed and revoked.
    const adopted = await post(
      `/api/maas/models/by-entity/adopt?entityRef=${MODEL_C}`,
    );
    expect(adopted.status).toBe(201);
    const outside = await get(
      `/api/maas/models/by-entity/outside-keys?entityRef=${MODEL_C}`,
    );
    expect(outside.status).toBe(200);
    expect(outside.body.map((k: { name: string }) => k.name)).toEqual([
      'hand-made-key',
    ]);
    const revoked = await post(
      `/api/maas/models/by-entity/outside-keys/hand-made-key/revoke?entityRef=${MODEL_C}`,
    );
    expect(revoked.status).toBe(204);

    // Create model applies through the real scaffolder; the catalog provider registers it.
    const created = await createModel('rbac-created');
    expect(created).toMatchObject({ status: 'completed' });
    await eventually(async () => {
      await scheduler.triggerTask(ENTITY_TASK);
      const e = await get(
        '/api/catalog/entities/by-name/component/default/rbac-created',
      );
      if (e.status !== 200) throw new Error(`entity: ${e.status}`);
    }, 30_000);

    // The Kubernetes tab lists every kind it is configured with, without an error.
    const tab = await kubernetesTab();
    expect(Object.keys(tab)).toHaveLength(TAB_OBJECTS.length);
    expect(Object.values(tab).every(status => status === 200)).toBe(true);
  }, 120_000);

  /** The message of an error answer, or of a list's warnings. */
  const said = (res: request.Response) =>
    res.body?.error?.message ?? (res.body?.warnings ?? []).join(' | ');
  /** Waits until the replica's answer to `url` says `pattern` (its caches start, then fail). */
  const replicaSays = async (url: string, pattern: RegExp) => {
    const replica = await startReplica();
    try {
      return await eventually(async () => {
        const res = await replica.call(url);
        if (!pattern.test(said(res)))
          throw new Error(`${res.status}: ${said(res)}`);
        return `${res.status} ${said(res)}`;
      }, 20_000);
    } finally {
      await replica.stop();
    }
  };
  /** `group/plural` of the Kubernetes tab's lists that the API server refused. */
  const refusedTabLists = async () =>
    Object.entries(await kubernetesTab())
      .filter(([, status]) => status === 403)
      .map(([what]) => what)
      .sort();
  const byEntity = `/models/by-entity?entityRef=${MODEL_A}`;

  /**
   * THE table: every rule of deploy/rbac.yaml (by role and position), what fails without it, and
   * the answer the portal gives. A rule without a row, or a row without a rule, fails the test.
   */
  const WITHOUT: Record<string, () => Promise<unknown>> = {
    'maas-portal: serving.kserve.io inferenceservices [get,list,watch]':
      // Keys still work for model A: its namespace is a model namespace, whose Role has `get`.
      async () => [
        await replicaSays(
          byEntity,
          /may not list inferenceservices\.serving\.kserve\.io; ask your cluster admin/,
        ),
        (await keyOf(DEV, 'free')).status,
      ],
    'maas-portal: gateway.networking.k8s.io httproutes [list,watch]': () =>
      replicaSays(
        byEntity,
        /may not list httproutes\.gateway\.networking\.k8s\.io/,
      ),
    'maas-portal: kuadrant.io authpolicies,ratelimitpolicies,tokenratelimitpolicies [list,watch]':
      () =>
        replicaSays(
          `/models/by-entity/tiers?entityRef=${MODEL_A}`,
          /may not list ratelimitpolicies\.kuadrant\.io.*RateLimitPolicys are left out/,
        ),
    'maas-portal: extensions.kuadrant.io telemetrypolicies [list,watch]': () =>
      replicaSays(
        byEntity,
        /may not list telemetrypolicies\.extensions\.kuadrant\.io/,
      ),
    'maas-kubernetes-reader: core pods,services [list]': refusedTabLists,
    'maas-kubernetes-reader: apps deployments,replicasets [list]':
      refusedTabLists,
    'maas-kubernetes-reader: autoscaling horizontalpodautoscalers [list]':
      refusedTabLists,
    'maas-kubernetes-reader: serving.kserve.io,gateway.networking.k8s.io,kuadrant.io inferenceservices,httproutes,authpolicies,ratelimitpolicies,tokenratelimitpolicies [list]':
      refusedTabLists,
    'maas-portal-keys: core secrets [create]': async () => {
      const res = await keyOf(DEV, 'free');
      return `${res.status} ${said(res)}`;
    },
    'maas-portal-keys: core secrets [get]': async () => {
      const res = await post(
        `/api/maas/keys/${await approvedKey()}/reveal`,
        DEV,
      );
      return `${res.status} ${said(res)}`;
    },
    // The approval stands and the tier is applied when the rights are back (the finisher retries).
    'maas-portal-keys: core secrets [patch]': async () => {
      const change = await post(
        `/api/maas/keys/${await freeKey()}/tier-change`,
        DEV,
        { tier: 'premium', reason: 'rbac' },
      );
      const decided = await post('/api/maas/keys/requests/decisions', ADMIN, {
        ids: [change.body.id ?? change.body.request?.id],
        decision: 'approve',
      });
      return decided.body[0].warning;
    },
    // The key is revoked in the portal, but its Secret stays (the gateway still takes the key)
    // until the rights are back: the answer and the log say so and name the missing verb.
    'maas-portal-keys: core secrets [delete]': async () => {
      const key = await freeKey();
      logs.length = 0;
      const res = await post(`/api/maas/keys/${key}/revoke`, DEV);
      const secret = await admin
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({
          namespace: places.keys,
          name: `maas-key-${key}`,
        })
        .then(
          () => 'Secret still there',
          () => 'Secret gone',
        );
      return [
        `${res.status} ${said(res)}`,
        secret,
        logs.find(l => /Could not delete/.test(l)),
      ];
    },
    'maas-portal-keys: core secrets [list]': async () => {
      const res = await get(
        `/api/maas/models/by-entity/outside-keys?entityRef=${MODEL_C}`,
      );
      logs.length = 0;
      await scheduler.triggerTask(KEY_TASK);
      return [
        `${res.status} ${said(res)}`,
        logs.find(l => l.startsWith('Key reconcile:')),
      ];
    },
    'maas-portal-models: serving.kserve.io,gateway.networking.k8s.io,kuadrant.io servingruntimes,inferenceservices,httproutes,authpolicies,ratelimitpolicies,tokenratelimitpolicies [get,create,patch]':
      async () => {
        const { status, log } = await createModel('rbac-denied');
        const adopted = await post(
          `/api/maas/models/by-entity/adopt?entityRef=${MODEL_D}`,
        );
        return [
          status,
          log.split('\n').find(l => /may not/.test(l)),
          `${adopted.status} ${said(adopted)}`,
        ];
      },
  };

  it('has a row for every rule of deploy/rbac.yaml, and each rule removed fails its feature, naming verb and resource', async () => {
    const roles = readManifests(RBAC_FILE).filter(o =>
      /Role$/.test(o.kind!),
    ) as Array<KubernetesObject & { rules: V1PolicyRule[] }>;
    const ids = roles.flatMap(role =>
      role.rules.map((rule, index) => ({
        id: ruleId(role.metadata!.name!, rule),
        role: role.metadata!.name!,
        index,
      })),
    );
    expect(ids.map(r => r.id).sort()).toEqual(Object.keys(WITHOUT).sort());

    const answers: Record<string, unknown> = {};
    for (const { id, role, index } of ids) {
      answers[id] = await withoutRule(role, index, WITHOUT[id]);
    }
    const keys = `in namespace "${places.keys}"`;
    expect(answers).toEqual({
      'maas-portal: serving.kserve.io inferenceservices [get,list,watch]': [
        expect.stringMatching(
          /^503 .*may not list inferenceservices\.serving\.kserve\.io; ask your cluster admin to grant it the "list" verb on "inferenceservices" \(API group "serving\.kserve\.io"\)/,
        ),
        201,
      ],
      'maas-portal: gateway.networking.k8s.io httproutes [list,watch]':
        expect.stringMatching(/^503 /),
      'maas-portal: kuadrant.io authpolicies,ratelimitpolicies,tokenratelimitpolicies [list,watch]':
        expect.stringMatching(/^200 /),
      'maas-portal: extensions.kuadrant.io telemetrypolicies [list,watch]':
        expect.stringMatching(/^200 /),
      'maas-kubernetes-reader: core pods,services [list]': [
        'core/pods',
        'core/services',
      ],
      'maas-kubernetes-reader: apps deployments,replicasets [list]': [
        'apps/deployments',
        'apps/replicasets',
      ],
      'maas-kubernetes-reader: autoscaling horizontalpodautoscalers [list]': [
        'autoscaling/horizontalpodautoscalers',
      ],
      'maas-kubernetes-reader: serving.kserve.io,gateway.networking.k8s.io,kuadrant.io inferenceservices,httproutes,authpolicies,ratelimitpolicies,tokenratelimitpolicies [list]':
        [
          'gateway.networking.k8s.io/httproutes',
          'kuadrant.io/authpolicies',
          'kuadrant.io/ratelimitpolicies',
          'kuadrant.io/tokenratelimitpolicies',
          'serving.kserve.io/inferenceservices',
        ],
      'maas-portal-keys: core secrets [create]': expect.stringMatching(
        new RegExp(
          `^503 Could not create a key Secret: .*may not create secrets ${keys}; ask your cluster admin`,
        ),
      ),
      'maas-portal-keys: core secrets [get]': expect.stringMatching(
        new RegExp(
          `^503 Could not read a key Secret: .*may not get secrets ${keys}`,
        ),
      ),
      'maas-portal-keys: core secrets [patch]': expect.stringMatching(
        new RegExp(
          `^Approved, but the key is not out yet \\(Could not patch a key Secret: .*may not patch secrets ${keys}`,
        ),
      ),
      'maas-portal-keys: core secrets [delete]': [
        expect.stringMatching(
          new RegExp(
            `^503 Key \\S+ is revoked in the portal, but the gateway still accepts it until its Secret is deleted; .*may not delete secrets ${keys}; ask your cluster admin`,
          ),
        ),
        'Secret still there',
        expect.stringMatching(
          new RegExp(
            `Could not delete Secret .*may not delete secrets ${keys}`,
          ),
        ),
      ],
      'maas-portal-keys: core secrets [list]': [
        expect.stringMatching(
          new RegExp(`^503 .*may not list secrets ${keys}`),
        ),
        expect.stringMatching(
          new RegExp(
            `^Key reconcile: namespace ${places.keys}: .*may not list secrets ${keys}`,
          ),
        ),
      ],
      'maas-portal-models: serving.kserve.io,gateway.networking.k8s.io,kuadrant.io servingruntimes,inferenceservices,httproutes,authpolicies,ratelimitpolicies,tokenratelimitpolicies [get,create,patch]':
        [
          'failed',
          expect.stringMatching(
            /may not get httproutes\.gateway\.networking\.k8s\.io in namespace "rbac-models-\w+"; ask your cluster admin/,
          ),
          expect.stringMatching(
            /^403 .*may not patch inferenceservices\.serving\.kserve\.io in namespace "rbac-hand-\w+"; ask your cluster admin/,
          ),
        ],
    });
    // Restored: the features work again on the same backend.
    expect((await keyOf(DEV, 'free')).status).toBe(201);
  }, 180_000);

  it("drill: the portal's bindings revoked while it runs are named on every page, and it recovers without a restart when they are restored", async () => {
    const bindings = rbac.filter(o => /Binding$/.test(o.kind!));
    await deleteManifests(admin, bindings);
    let replica: Awaited<ReturnType<typeof startReplica>> | undefined;
    try {
      const refused = await keyOf(DEV, 'free');
      expect(refused.status).toBe(503);
      expect(said(refused)).toMatch(
        /may not get inferenceservices\.serving\.kserve\.io .*ask your cluster admin/,
      );
      // A replica started during the outage cannot list: its pages say which verb on which resource.
      replica = await startReplica();
      const page = await eventually(async () => {
        const res = await replica!.call(byEntity);
        if (!/may not list/.test(said(res))) throw new Error(said(res));
        return res;
      }, 20_000);
      expect(page.status).toBe(503);
      expect(said(page)).toMatch(
        /may not list (inferenceservices\.serving\.kserve\.io|httproutes\.gateway\.networking\.k8s\.io); ask your cluster admin/,
      );
    } finally {
      await applyManifests(admin, bindings);
    }
    try {
      // Restored: both recover, the replica's caches by relisting on their own.
      await eventually(async () => {
        const res = await keyOf(DEV, 'free');
        if (res.status !== 201) throw new Error(said(res));
      }, 20_000);
      await eventually(async () => {
        const res = await replica!.call(byEntity);
        if (
          res.status !== 200 ||
          !res.body.inferenceService.found ||
          res.body.warnings.length
        )
          throw new Error(`${res.status} ${said(res)}`);
      }, 40_000);
    } finally {
      await replica?.stop();
    }
  }, 120_000);
});
