/*
 * deploy/rbac.yaml on a real API server, part one: what its accounts may do. The portal runs as its
 * ServiceAccount; the Kubernetes plugin's account reads no Secret; the portal impersonates only
 * whom rbac-impersonation.yaml names and writes InferenceServices only in model namespaces.
 */
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
} from '@kubernetes/client-node';
import { impersonating } from '@maas-portal/plugin-maas-node';
import { applyManifests, eventually } from '@maas-portal/harness/testing';

import { useRbacBed } from './__testUtils__/rbacBed';
import {
  IMPERSONATION_FILE,
  localized,
  READER,
} from './__testUtils__/rbacManifests';

describe('deploy/rbac.yaml on a real API server: its accounts', () => {
  const bed = useRbacBed();

  it('runs as the ServiceAccount, not as the admin', async () => {
    expect(bed.sa.user).toBe(
      `system:serviceaccount:${bed.places.portal}:maas-portal`,
    );
    const denied = await bed.sa.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedSecret({ namespace: bed.places.hand })
      .catch(e => e);
    expect(denied.code).toBe(403);
    expect(bed.reader.user).toBe(
      `system:serviceaccount:${bed.places.portal}:${READER}`,
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
    const review = await bed.admin
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
      bed.places.keys,
      bed.places.portal,
      bed.places.models,
      bed.places.hand,
      'kube-system',
    ];
    const answers: string[] = [];
    for (const namespace of namespaces)
      for (const verb of ['get', 'list', 'watch'])
        answers.push(
          await allowed(bed.reader.user, verb, 'secrets', namespace),
        );
    expect(answers.filter(a => !a.endsWith('denied'))).toEqual([]);
    expect(answers).toHaveLength(namespaces.length * 3);
    // And for real: its token lists no key Secret, nor reads the one by name.
    const core = bed.reader.kubeConfig.makeApiClient(CoreV1Api);
    for (const call of [
      () => core.listNamespacedSecret({ namespace: bed.places.keys }),
      () => core.listSecretForAllNamespaces(),
      () =>
        core.readNamespacedSecret({
          namespace: bed.places.keys,
          name: 'hand-made-key',
        }),
    ])
      expect((await call().catch(e => e)).code).toBe(403);
    // The suite's own account still reads them (keys), in the keys namespace only.
    expect(
      await allowed(bed.sa.user, 'get', 'secrets', bed.places.keys),
    ).toMatch(/allowed$/);
    expect(await allowed(bed.sa.user, 'get', 'secrets', '')).toMatch(/denied$/);
  });

  it('M6: the portal may impersonate only the users and groups rbac-impersonation.yaml names, and writes InferenceServices only in model namespaces', async () => {
    bed.impersonation = localized(bed.places, IMPERSONATION_FILE);
    await applyManifests(bed.admin, bed.impersonation);
    /** Who the API server takes a request to be, or its refusal. */
    const seenAs = async (user: string, groups: string[]) => {
      const kc = impersonating(bed.sa.kubeConfig, { user, groups });
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
        `system:serviceaccount:${bed.places.portal}:${READER}`,
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
        bed.sa.user,
        verb,
        'inferenceservices',
        namespace,
        'serving.kserve.io',
      );
    expect([
      await isvcs('patch', bed.places.models),
      await isvcs('patch', bed.places.hand),
      await isvcs('patch', bed.places.keys),
      await isvcs('patch', ''),
      await isvcs('list', ''),
    ]).toEqual([
      `patch inferenceservices in ${bed.places.models}: allowed`,
      `patch inferenceservices in ${bed.places.hand}: allowed`,
      `patch inferenceservices in ${bed.places.keys}: denied`,
      'patch inferenceservices: denied',
      'list inferenceservices: allowed',
    ]);
    // The suite's account lists none of the Kubernetes tab's other kinds any more.
    expect([
      await allowed(bed.sa.user, 'list', 'configmaps', ''),
      await allowed(bed.sa.user, 'list', 'pods', ''),
    ]).toEqual(['list configmaps: denied', 'list pods: denied']);
  });
});
