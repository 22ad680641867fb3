/*
 * The real Kuadrant control plane on the harness's API server: the CRDs it needs, a `Kuadrant` CR in
 * kuadrant-system, kuadrant-operator and Authorino as processes, the data plane's statuses played by the
 * harness (dataPlaneStandIn.ts), and llm-d-inference-sim for an OpenAI-compatible endpoint. The data plane
 * that enforces what the operator writes (gateway, Limitador, a model per InferenceService) is started after
 * it, by ../dataplane/dataPlane.ts.
 */
import path from 'node:path';
import type { ManagedProcess } from '../processes.ts';
import type { Logger } from '../logging.ts';
import { waitFor } from '../waitFor.ts';
import {
  installControlPlaneCrds,
  loadControlPlaneCrds,
} from './controlPlaneCrds.ts';
import { DataPlaneStandIn } from './dataPlaneStandIn.ts';
import {
  createIfAbsent,
  getObject,
  ISTIO_CONTROLLER,
  ISTIO_GATEWAY_CLASS,
  KINDS,
  KUADRANT_NAMESPACE,
  kubeConfigFromFile,
  listObjects,
} from './kubeObjects.ts';
import type { KubeObject } from './kubeObjects.ts';
import {
  DEFAULT_SIMULATOR_MODEL,
  startAuthorino,
  startKuadrantOperator,
  startSimulator,
} from './controlPlaneServers.ts';
import type { ControlPlaneBinaries } from './controlPlaneServers.ts';

export interface KuadrantControlPlaneOptions {
  /** The harness's temp dir (logs under kuadrant/). */
  dir: string;
  /** Admin kubeconfig of the API server, whose CRDs (Gateway API, Kuadrant) are installed already. */
  kubeconfig: string;
  /** kuadrant-operator, authorino and llm-d-inference-sim, as build-servers.sh made them. */
  binaries: ControlPlaneBinaries;
  track: (p: ManagedProcess) => void;
  timing?: (what: string, startMs: number) => void;
  log: Logger;
  /** Model name the simulator serves (default MAAS_HARNESS_SIMULATOR_MODEL or 'simulator-model'). */
  simulatorModel?: string;
}

export interface KuadrantControlPlane {
  /** Variables for the harness env: MAAS_HARNESS_AUTHORINO_URL, MAAS_HARNESS_SIMULATOR_URL, ... */
  env: Record<string, string>;
  /** Authorino's gRPC ext_authz address (host:port), for the gateway. */
  authorinoGrpc: string;
  standIn: DataPlaneStandIn;
  stop(): Promise<void>;
}

const KUADRANT_CR = {
  apiVersion: 'kuadrant.io/v1beta1',
  kind: 'Kuadrant',
  metadata: { name: 'kuadrant', namespace: KUADRANT_NAMESPACE },
  spec: {},
};

const ISTIO_GATEWAY_CLASS_OBJECT = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: ISTIO_GATEWAY_CLASS },
  spec: { controllerName: ISTIO_CONTROLLER },
};

const isReady = (obj: { status?: any } | undefined) =>
  !!obj?.status?.conditions?.some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );

export async function startKuadrantControlPlane(
  options: KuadrantControlPlaneOptions,
): Promise<KuadrantControlPlane> {
  const { dir, kubeconfig, binaries, track, log } = options;
  const timing = options.timing ?? (() => undefined);
  const t0 = Date.now();
  const kc = kubeConfigFromFile(kubeconfig);

  const crds = await installControlPlaneCrds(kc, await loadControlPlaneCrds());
  log(`Kuadrant control plane CRDs: ${crds.join(', ')}`);
  await createIfAbsent(kc, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: KUADRANT_NAMESPACE },
  });
  await createIfAbsent(kc, ISTIO_GATEWAY_CLASS_OBJECT);
  await createIfAbsent(kc, KUADRANT_CR);
  timing('Kuadrant CRDs + Kuadrant CR', t0);

  const standIn = new DataPlaneStandIn(
    kc,
    path.join(dir, 'kuadrant', 'data-plane-stand-in.log'),
  );
  const stopStandIn = () => standIn.stop();
  try {
    const ctx = { dir, kubeconfig, binaries, track };
    const model =
      options.simulatorModel ??
      process.env.MAAS_HARNESS_SIMULATOR_MODEL ??
      DEFAULT_SIMULATOR_MODEL;
    const t1 = Date.now();
    const timed = async <T>(what: string, started: Promise<T>): Promise<T> => {
      const server = await started;
      timing(what, t1);
      return server;
    };
    const [authorino, , simulator] = await Promise.all([
      timed('authorino', startAuthorino(ctx)),
      timed('kuadrant-operator', startKuadrantOperator(ctx)),
      timed('llm-d-inference-sim', startSimulator(ctx, model)),
      standIn.start(),
    ]);

    const t2 = Date.now();
    // The operator creates both CRs for the Kuadrant CR; the stand-in then reports them Ready.
    await waitFor(
      'Authorino and Limitador CRs of kuadrant-operator, Ready',
      async () => {
        const [a] = await listObjects(kc, KINDS.authorino, KUADRANT_NAMESPACE);
        const [l] = await listObjects(kc, KINDS.limitador, KUADRANT_NAMESPACE);
        return isReady(a) && isReady(l);
      },
      { timeoutMs: 60000, intervalMs: 200 },
    );
    // Ready only when the operator found every dependency (Gateway API, Istio, both operators' CRDs) at boot.
    let kuadrant: KubeObject | undefined;
    await waitFor(
      'Kuadrant CR Ready',
      async () => {
        kuadrant = await getObject(
          kc,
          KINDS.kuadrant,
          KUADRANT_CR.metadata.name,
          KUADRANT_NAMESPACE,
        );
        return isReady(kuadrant);
      },
      { timeoutMs: 30000, intervalMs: 200 },
    ).catch((e: unknown) => {
      throw new Error(
        `${
          e instanceof Error ? e.message : e
        }; its conditions: ${JSON.stringify(
          kuadrant?.status?.conditions ?? [],
        )}`,
      );
    });
    timing('Kuadrant CR reconciled', t2);

    return {
      env: {
        MAAS_HARNESS_AUTHORINO_URL: authorino.url,
        MAAS_HARNESS_SIMULATOR_URL: simulator.url,
        MAAS_HARNESS_SIMULATOR_MODEL: model,
        MAAS_HARNESS_KUADRANT_NAMESPACE: KUADRANT_NAMESPACE,
      },
      authorinoGrpc: authorino.grpcAddress,
      standIn,
      stop: stopStandIn,
    };
  } catch (e) {
    await stopStandIn();
    throw e;
  }
}
