import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { harnessEnv } from '@maas-portal/harness/testing';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { TEST_ORG } from './catalogOrg';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  MODEL_CATALOG_CHANGED_TOPIC,
  ModelCatalogChanged,
} from '@maas-portal/plugin-maas-common';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { simulatorModelExample } from '../actions/modelRender.examples';
import { scaffolderModuleMaas } from '../module';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { gatewaysOf, TestUser, testPermissions, testUserInfo } from './users';
import { waitFor, withClusterLock } from './harness';

/** The template as the catalog serves it. */
export function loadCreateModelTemplate(): Entity {
  // The template lives at the repository root, two levels above this package.
  const file = resolvePackagePath(
    '@maas-portal/plugin-scaffolder-backend-module-maas',
    '../../templates/create-model/template.yaml',
  );
  const template = YAML.parse(fs.readFileSync(file, 'utf8')) as Entity;
  template.metadata.namespace = 'default';
  return template;
}

/** The values a developer types into the form. */
export function formValues(overrides: Record<string, unknown> = {}) {
  return {
    name: 'qwen3',
    owner: 'group:default/ml-team',
    system: 'system:default/maas',
    serving: {
      type: 'simulator',
      timeToFirstTokenMs: 10,
      interTokenLatencyMs: 5,
    },
    auth: { type: 'api-key' },
    tierMode: 'custom',
    tiers: simulatorModelExample.tiers.slice(0, 1),
    delivery: 'apply',
    repoUrl: 'github.com?owner=acme&repo=qwen3-model',
    ...overrides,
  };
}

/**
 * The config of a test that creates models in `namespace` on the harness's cluster, with the
 * namespace's `limits` (its caps) and its Gateway allowed.
 */
export const createConfigFor = (
  namespace: string,
  limits: { maxGpus?: number; maxCpu?: string } = {},
): JsonObject => ({
  maas: {
    cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
    create: {
      namespaces: [{ namespace, ...limits }],
      gateways: gatewaysOf([namespace]),
    },
  },
});

export interface ScaffolderOptions {
  /** The tests' users and a policy deciding maas.model.create per user (see users.ts). */
  perUserPolicy?: boolean;
  /** More templates in the catalog, beside Create model (e.g. a crafted one). */
  templates?: Entity[];
}

/**
 * A scaffolder backend with the MaaS module, a stand-in for `publish:github` (which records the
 * workspace it would push) and an in-memory catalog that records registered locations and, as the
 * MaaS catalog module would, serves a model's Component once the register step signals it.
 */
export async function startScaffolder(
  config: JsonObject,
  options: ScaffolderOptions = {},
) {
  const published: Record<string, string[]> = {};
  const registered: string[] = [];
  const signalled: ModelCatalogChanged[] = [];
  const catalog = catalogServiceMock({
    entities: [
      loadCreateModelTemplate(),
      ...TEST_ORG,
      ...(options.templates ?? []),
    ],
  });
  const getEntityByRef = catalog.getEntityByRef.bind(catalog);
  catalog.getEntityByRef = async (ref, request) =>
    signalled.some(s => s.entityRef === ref)
      ? ({ kind: 'Component', metadata: { name: String(ref) } } as Entity)
      : getEntityByRef(ref, request);
  const fakeCatalogModule = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-fake-maas-catalog-module',
    register({ registerInit }) {
      registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-fake-maas-catalog-module',
            topics: [MODEL_CATALOG_CHANGED_TOPIC],
            onEvent: async ({ eventPayload }) => {
              signalled.push(eventPayload as ModelCatalogChanged);
            },
          });
        },
      });
    },
  });
  catalog.addLocation = async request => {
    registered.push(request.target);
    return {
      location: {
        id: 'loc-1',
        type: request.type ?? 'url',
        target: request.target,
      },
      entities: [],
      exists: false,
    } as unknown as Awaited<ReturnType<typeof catalog.addLocation>>;
  };

  const fakeGithub = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-fake-github',
    register({ registerInit }) {
      registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(
            createTemplateAction({
              id: 'publish:github',
              supportsDryRun: true,
              schema: {
                input: {
                  repoUrl: z => z.string(),
                  description: z => z.string().optional(),
                  defaultBranch: z => z.string().optional(),
                  repoVisibility: z => z.string().optional(),
                },
              },
              async handler(ctx) {
                published[ctx.input.repoUrl] = listFiles(ctx.workspacePath);
                ctx.output('remoteUrl', 'https://github.com/acme/qwen3-model');
                ctx.output(
                  'repoContentsUrl',
                  'https://github.com/acme/qwen3-model/blob/main',
                );
              },
            }),
          );
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleMaas,
      fakeGithub,
      fakeCatalogModule,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      mockServices.rootConfig.factory({ data: config }),
      // The tests' users and a policy that decides maas.model.create per user (see users.ts).
      ...(options.perUserPolicy
        ? [
            createServiceFactory({
              service: coreServices.permissions,
              deps: {},
              factory: () => testPermissions,
            }),
            createServiceFactory({
              service: coreServices.userInfo,
              deps: {},
              factory: () => testUserInfo,
            }),
          ]
        : []),
    ],
  });
  const base = `http://localhost:${backend.server.port()}/api/scaffolder`;
  const call = async (
    method: string,
    route: string,
    body?: unknown,
    as?: TestUser,
  ) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header(as?.userEntityRef),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => undefined);
    if (!response.ok)
      throw new Error(
        `${method} ${route}: ${response.status} ${JSON.stringify(json)}`,
      );
    return json;
  };
  return { backend, call, published, registered, signalled };
}

/**
 * The scaffolder backend for a test file: started before its tests with `config()` (read then,
 * so it may use what other `beforeAll`s made) and stopped after them.
 */
export function useScaffolder(
  config: () => JsonObject,
  options: ScaffolderOptions = {},
) {
  let started: Awaited<ReturnType<typeof startScaffolder>> | undefined;
  beforeAll(async () => {
    started = await startScaffolder(config(), options);
  });
  afterAll(async () => {
    await started?.backend.stop();
  });
  const get = () => {
    if (!started) throw new Error('the scaffolder backend is not started yet');
    return started;
  };
  return {
    call: (
      ...args: Parameters<Awaited<ReturnType<typeof startScaffolder>>['call']>
    ) => get().call(...args),
    get published() {
      return get().published;
    },
    get registered() {
      return get().registered;
    },
    get signalled() {
      return get().signalled;
    },
    /**
     * Runs the template `templateRef` with `values` as `as` (by default the mock user) to its end,
     * holding the cluster lock (see harness.ts): its status, its output and its log's messages.
     */
    runTask: async (
      templateRef: string,
      values: Record<string, unknown>,
      as?: TestUser,
    ) =>
      withClusterLock(async () => {
        const { call } = get();
        const { id } = await call(
          'POST',
          '/v2/tasks',
          { templateRef, values },
          as,
        );
        const task = await waitFor(
          'the task to finish',
          async () => {
            const t = await call('GET', `/v2/tasks/${id}`);
            return ['completed', 'failed', 'cancelled'].includes(t.status)
              ? t
              : undefined;
          },
          60000,
        );
        const events = await call('GET', `/v2/tasks/${id}/events`);
        const completion = events.find((e: any) => e.type === 'completion');
        return {
          status: task.status as string,
          output: completion?.body?.output,
          log: events
            .map((e: any) => e.body.message)
            .filter(Boolean)
            .join('\n') as string,
        };
      }),
  };
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e =>
      e.isDirectory()
        ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`)
        : [`${prefix}${e.name}`],
    )
    .sort();
}
