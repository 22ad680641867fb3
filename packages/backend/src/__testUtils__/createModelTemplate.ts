/*
 * "Create model" as the cluster tests of this package run it: the template from
 * templates/create-model as the catalog serves it, and a run through the real scaffolder over HTTP
 * (POST /api/scaffolder/v2/tasks), waited for until it ends, with the log of its steps.
 */
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import { eventually, readManifests } from '@maas-portal/harness/testing';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';

const TEMPLATE_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'templates',
  'create-model',
  'template.yaml',
);

/** The scheduled task of the catalog module that reads model entities from the cluster. */
export const ENTITY_TASK = 'maas-model-entities';
/** The MaaS backend's key task: expiries, ends of rotation overlaps, reconcile. */
export const KEY_TASK = 'maas-keys-maintenance';

/** The "Create model" template, as an entity provider gives it to the catalog. */
export function createModelTemplateEntity(): DeferredEntity['entity'] {
  const template = readManifests(TEMPLATE_FILE)[0] as DeferredEntity['entity'];
  return {
    ...template,
    metadata: {
      ...template.metadata,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': 'url:test',
        'backstage.io/managed-by-origin-location': 'url:test',
      },
    },
  };
}

/**
 * The catalog entities a model made by the form names, which Create model checks exist: the owner
 * Group (team-a, unless the run names another of these) and the System `maas`.
 */
export function createModelOrgEntities(): DeferredEntity['entity'][] {
  const annotations = {
    'backstage.io/managed-by-location': 'url:test',
    'backstage.io/managed-by-origin-location': 'url:test',
  };
  return [
    ...['team-a', 'team-b', 'platform-team'].map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default', annotations },
      spec: { type: 'team', children: [] },
    })),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'maas', namespace: 'default', annotations },
      spec: { owner: 'group:default/platform-team' },
    },
  ];
}

export interface TierValues {
  name: string;
  requests: { limit: number; window: string };
  tokens: { limit: number; window: string };
}

/** The form's values for a simulator model with API keys and its own tiers, applied at once. */
export function simulatorModelValues(options: {
  name: string;
  namespace: string;
  hostname: string;
  owner?: string;
  tiers?: TierValues[];
}) {
  return {
    name: options.name,
    namespace: options.namespace,
    owner: options.owner ?? 'group:default/team-a',
    system: 'system:default/maas',
    hostname: options.hostname,
    serving: {
      type: 'simulator',
      timeToFirstTokenMs: 10,
      interTokenLatencyMs: 5,
    },
    auth: { type: 'api-key' },
    tierMode: 'custom',
    tiers: options.tiers ?? [
      {
        name: 'free',
        requests: { limit: 5, window: '2m' },
        tokens: { limit: 100000, window: '1m' },
      },
    ],
    delivery: 'apply',
  };
}

/**
 * Runs Create model with `values` as the user of `authorization` and waits until the task ends:
 * its status (`completed` or `failed`) and the messages of its steps, one a line.
 */
export async function runCreateModel(
  server: http.Server,
  authorization: string,
  values: object,
  timeoutMs = 40_000,
): Promise<{ status: string; log: string }> {
  const get = (url: string) =>
    request(server).get(url).set('Authorization', authorization);
  const started = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', authorization)
    .send({ templateRef: 'template:default/create-model', values });
  if (started.status !== 201)
    throw new Error(
      `Create model did not start: ${started.status} ${started.text}`,
    );
  const task = await eventually(async () => {
    const t = await get(`/api/scaffolder/v2/tasks/${started.body.id}`);
    if (!['completed', 'failed'].includes(t.body.status))
      throw new Error(`task ${t.body.status}`);
    return t.body;
  }, timeoutMs);
  const events = await get(
    `/api/scaffolder/v2/tasks/${started.body.id}/events`,
  );
  const log = (events.body as Array<{ body: { message?: string } }>)
    .map(e => e.body.message)
    .filter(Boolean)
    .join('\n');
  return { status: task.status as string, log };
}
