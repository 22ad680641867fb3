/*
 * deploy/rbac.yaml on a real API server, part two: every feature passes with exactly its rules, and
 * each rule removed fails its feature with an answer naming verb and resource (THE table).
 */
import {
  CoreV1Api,
  KubernetesObject,
  V1PolicyRule,
} from '@kubernetes/client-node';
import { eventually, readManifests } from '@maas-portal/harness/testing';
import {
  MAAS_FIELD_MANAGER,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import { ADMIN, DEV_A as DEV } from './__testUtils__/portalTestBackend';
import { ENTITY_TASK, KEY_TASK } from './__testUtils__/createModelTemplate';

import { useRbacBed } from './__testUtils__/rbacBed';
import {
  MODEL_A,
  MODEL_C,
  MODEL_D,
  RBAC_FILE,
  ruleId,
  TAB_OBJECTS,
} from './__testUtils__/rbacManifests';

describe('deploy/rbac.yaml on a real API server: every feature with exactly its rules', () => {
  const bed = useRbacBed();

  it('passes every feature with exactly deploy/rbac.yaml', async () => {
    // Models list, a model's health, tiers: no warning about the cluster.
    const models = await bed.get('/api/maas/models');
    expect(models.status).toBe(200);
    expect(models.body.warnings).toEqual([]);
    const model = await bed.get(
      `/api/maas/models/by-entity?entityRef=${MODEL_A}`,
    );
    expect(model.body).toMatchObject({ warnings: [], route: { found: true } });
    expect(model.body.health).toBeDefined();
    const tiers = await bed.get(
      `/api/maas/models/by-entity/tiers?entityRef=${MODEL_A}`,
    );
    expect(tiers.status).toBe(200);
    expect(tiers.body.warnings.join()).not.toMatch(/may not/);

    // Keys: issue, approve, reveal once, rotate, tier change, revoke.
    const keyId = await bed.approvedKey();
    const revealed = await bed.post(`/api/maas/keys/${keyId}/reveal`, DEV);
    expect(revealed.status).toBe(200);
    expect(revealed.body.value).toMatch(/^maas_/);
    const rotated = await bed.post(`/api/maas/keys/${keyId}/rotate`, DEV);
    expect(rotated.status).toBe(201);
    const free = await bed.freeKey();
    const change = await bed.post(`/api/maas/keys/${free}/tier-change`, DEV, {
      tier: 'premium',
      reason: 'rbac',
    });
    expect(change.status).toBe(201);
    const changed = await bed.post('/api/maas/keys/requests/decisions', ADMIN, {
      ids: [change.body.id ?? change.body.request?.id],
      decision: 'approve',
    });
    expect(changed.body[0]).toMatchObject({ ok: true });
    expect((await bed.post(`/api/maas/keys/${free}/revoke`, DEV)).status).toBe(
      200,
    );

    // Reconcile: a Secret left for the revoked key is deleted by the key task.
    await bed.admin.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: bed.places.keys,
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
    await bed.scheduler.triggerTask(KEY_TASK);
    expect(bed.logs.join('\n')).toContain(
      `Reconcile deleted Secret ${bed.places.keys}/maas-key-${free}: its key is revoked`,
    );

    // Adoption, then the key made outside the portal is listed and revoked.
    const adopted = await bed.post(
      `/api/maas/models/by-entity/adopt?entityRef=${MODEL_C}`,
    );
    expect(adopted.status).toBe(201);
    const outside = await bed.get(
      `/api/maas/models/by-entity/outside-keys?entityRef=${MODEL_C}`,
    );
    expect(outside.status).toBe(200);
    expect(outside.body.map((k: { name: string }) => k.name)).toEqual([
      'hand-made-key',
    ]);
    const revoked = await bed.post(
      `/api/maas/models/by-entity/outside-keys/hand-made-key/revoke?entityRef=${MODEL_C}`,
    );
    expect(revoked.status).toBe(204);

    // Create model applies through the real scaffolder; the catalog provider registers it.
    const created = await bed.createModel('rbac-created');
    expect(created).toMatchObject({ status: 'completed' });
    await eventually(async () => {
      await bed.scheduler.triggerTask(ENTITY_TASK);
      const e = await bed.get(
        '/api/catalog/entities/by-name/component/default/rbac-created',
      );
      if (e.status !== 200) throw new Error(`entity: ${e.status}`);
    }, 30_000);

    // The Kubernetes tab lists every kind it is configured with, without an error.
    const tab = await bed.kubernetesTab();
    expect(Object.keys(tab)).toHaveLength(TAB_OBJECTS.length);
    expect(Object.values(tab).every(status => status === 200)).toBe(true);
  }, 120_000);

  /** Waits until the replica's answer to `url` says `pattern` (its caches start, then fail). */
  const replicaSays = async (url: string, pattern: RegExp) => {
    const replica = await bed.startReplica();
    try {
      return await eventually(async () => {
        const res = await replica.call(url);
        if (!pattern.test(bed.said(res)))
          throw new Error(`${res.status}: ${bed.said(res)}`);
        return `${res.status} ${bed.said(res)}`;
      }, 20_000);
    } finally {
      await replica.stop();
    }
  };
  /** `group/plural` of the Kubernetes tab's lists that the API server refused. */
  const refusedTabLists = async () =>
    Object.entries(await bed.kubernetesTab())
      .filter(([, status]) => status === 403)
      .map(([what]) => what)
      .sort();

  /**
   * THE table: every rule of deploy/rbac.yaml (by role and position), what fails without it, and
   * the answer the portal gives. A rule without a row, or a row without a rule, fails the test.
   */
  const WITHOUT: Record<string, () => Promise<unknown>> = {
    'maas-portal: serving.kserve.io inferenceservices [get,list,watch]':
      // Keys still work for model A: its namespace is a model namespace, whose Role has `get`.
      async () => [
        await replicaSays(
          bed.byEntity,
          /may not list inferenceservices\.serving\.kserve\.io; ask your cluster admin/,
        ),
        (await bed.keyOf(DEV, 'free')).status,
      ],
    'maas-portal: gateway.networking.k8s.io httproutes [list,watch]': () =>
      replicaSays(
        bed.byEntity,
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
        bed.byEntity,
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
      const res = await bed.keyOf(DEV, 'free');
      return `${res.status} ${bed.said(res)}`;
    },
    'maas-portal-keys: core secrets [get]': async () => {
      const res = await bed.post(
        `/api/maas/keys/${await bed.approvedKey()}/reveal`,
        DEV,
      );
      return `${res.status} ${bed.said(res)}`;
    },
    // The approval stands and the tier is applied when the rights are back (the finisher retries).
    'maas-portal-keys: core secrets [patch]': async () => {
      const change = await bed.post(
        `/api/maas/keys/${await bed.freeKey()}/tier-change`,
        DEV,
        { tier: 'premium', reason: 'rbac' },
      );
      const decided = await bed.post(
        '/api/maas/keys/requests/decisions',
        ADMIN,
        {
          ids: [change.body.id ?? change.body.request?.id],
          decision: 'approve',
        },
      );
      return decided.body[0].warning;
    },
    // The key is revoked in the portal, but its Secret stays (the gateway still takes the key)
    // until the rights are back: the answer and the log say so and name the missing verb.
    'maas-portal-keys: core secrets [delete]': async () => {
      const key = await bed.freeKey();
      bed.logs.length = 0;
      const res = await bed.post(`/api/maas/keys/${key}/revoke`, DEV);
      const secret = await bed.admin
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({
          namespace: bed.places.keys,
          name: `maas-key-${key}`,
        })
        .then(
          () => 'Secret still there',
          () => 'Secret gone',
        );
      return [
        `${res.status} ${bed.said(res)}`,
        secret,
        bed.logs.find(l => /Could not delete/.test(l)),
      ];
    },
    'maas-portal-keys: core secrets [list]': async () => {
      const res = await bed.get(
        `/api/maas/models/by-entity/outside-keys?entityRef=${MODEL_C}`,
      );
      bed.logs.length = 0;
      await bed.scheduler.triggerTask(KEY_TASK);
      return [
        `${res.status} ${bed.said(res)}`,
        bed.logs.find(l => l.startsWith('Key reconcile:')),
      ];
    },
    'maas-portal-models: serving.kserve.io,gateway.networking.k8s.io,kuadrant.io servingruntimes,inferenceservices,httproutes,authpolicies,ratelimitpolicies,tokenratelimitpolicies [get,create,patch]':
      async () => {
        const { status, log } = await bed.createModel('rbac-denied');
        const adopted = await bed.post(
          `/api/maas/models/by-entity/adopt?entityRef=${MODEL_D}`,
        );
        return [
          status,
          log.split('\n').find(l => /may not/.test(l)),
          `${adopted.status} ${bed.said(adopted)}`,
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
      answers[id] = await bed.withoutRule(role, index, WITHOUT[id]);
    }
    const keys = `in namespace "${bed.places.keys}"`;
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
            `^Key reconcile: namespace ${bed.places.keys}: .*may not list secrets ${keys}`,
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
    expect((await bed.keyOf(DEV, 'free')).status).toBe(201);
  }, 180_000);
});
