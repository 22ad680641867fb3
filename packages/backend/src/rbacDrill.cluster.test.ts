/*
 * deploy/rbac.yaml on a real API server, part three: the drill. The portal's bindings are revoked
 * while it runs, and restored.
 */
import {
  applyManifests,
  deleteManifests,
  eventually,
  untilAuthorized,
} from '@maas-portal/harness/testing';
import { DEV_A as DEV } from './__testUtils__/portalTestBackend';

import { useRbacBed } from './__testUtils__/rbacBed';

describe('deploy/rbac.yaml on a real API server: bindings revoked while the portal runs', () => {
  const bed = useRbacBed();

  it("drill: the portal's bindings revoked while it runs are named on every page, and it recovers without a restart when they are restored", async () => {
    const bindings = bed.rbac.filter(o => /Binding$/.test(o.kind!));
    // What the first refusal below needs: the portal's account may no longer read the model.
    const readModel = {
      user: `system:serviceaccount:${bed.places.portal}:maas-portal`,
      verb: 'get',
      group: 'serving.kserve.io',
      resource: 'inferenceservices',
      namespace: bed.places.hand,
    };
    await deleteManifests(bed.admin, bindings);
    await untilAuthorized(bed.admin, readModel, { allowed: false });
    let replica: Awaited<ReturnType<typeof bed.startReplica>> | undefined;
    try {
      const refused = await bed.keyOf(DEV, 'free');
      expect(refused.status).toBe(503);
      expect(bed.said(refused)).toMatch(
        /may not get inferenceservices\.serving\.kserve\.io .*ask your cluster admin/,
      );
      // A replica started during the outage cannot list: its pages say which verb on which resource.
      replica = await bed.startReplica();
      const page = await eventually(async () => {
        const res = await replica!.call(bed.byEntity);
        if (!/may not list/.test(bed.said(res))) throw new Error(bed.said(res));
        return res;
      }, 20_000);
      expect(page.status).toBe(503);
      expect(bed.said(page)).toMatch(
        /may not list (inferenceservices\.serving\.kserve\.io|httproutes\.gateway\.networking\.k8s\.io); ask your cluster admin/,
      );
    } finally {
      await applyManifests(bed.admin, bindings);
    }
    try {
      // Restored: both recover, the replica's caches by relisting on their own.
      await eventually(async () => {
        const res = await bed.keyOf(DEV, 'free');
        if (res.status !== 201) throw new Error(bed.said(res));
      }, 20_000);
      await eventually(async () => {
        const res = await replica!.call(bed.byEntity);
        if (
          res.status !== 200 ||
          !res.body.inferenceService.found ||
          res.body.warnings.length
        )
          throw new Error(`${res.status} ${bed.said(res)}`);
      }, 40_000);
    } finally {
      await replica?.stop();
    }
  }, 120_000);
});
