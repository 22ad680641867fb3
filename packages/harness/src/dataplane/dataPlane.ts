/*
 * The data plane of the test bed: what stands between a client and a model on a real install, run as
 * processes of the harness so that a request goes client → gateway → Authorino → Limitador → model.
 *
 * - Limitador: our server on the `limitador` crate (rust/limitador-server). The harness plays limitador-operator:
 *   it renders the Limitador CR's `spec.limits` into the limits file (the server reloads it) and restarts the
 *   server when the CR's flags change, as the operator rolls its Deployment.
 * - The gateway (go/gateway): runs the WasmPlugin `pluginConfig` kuadrant-operator writes with wasm-shim's
 *   semantics; the harness plays Istio: it copies the config into a file and writes the routing table from the
 *   HTTPRoutes (gatewayRoutes.ts). It also plays Kuadrant 1.3's TelemetryPolicy, which v1.2.0 does not know:
 *   the metric labels per Gateway go to the gateway's `--request-data` file (telemetryRequestData.ts), and
 *   Limitador always runs with `--metric-labels-default=descriptors[1]`, as 1.3's Limitador CR has it.
 * - The models: an llm-d-inference-sim per InferenceService (modelServers.ts plays KServe).
 * - Prometheus scrapes Limitador and every model live (a file_sd targets file).
 *
 * Every file is written by rename, so a reader never sees half of one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  KINDS,
  KUADRANT_NAMESPACE,
  listObjects,
} from '../kuadrant/kubeObjects.ts';
import type { KubeObject } from '../kuadrant/kubeObjects.ts';
import { isIstioClass } from '../kuadrant/dataPlaneStatus.ts';
import { WatchLoop } from '../kuadrant/watchLoop.ts';
import { freePorts } from '../ports.ts';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { BUILD_SERVERS } from '../servers.ts';
import { waitFor } from '../waitFor.ts';
import { buildRoutesFile } from './gatewayRoutes.ts';
import {
  limitadorFlags,
  METRIC_LABELS_DEFAULT_FLAG,
  renderLimitsFile,
} from './limitadorConfig.ts';
import { ModelServers } from './modelServers.ts';
import { buildRequestDataFile } from './telemetryRequestData.ts';
import { endpointArgs, mergePluginConfigs } from './wasmPluginConfig.ts';

export interface DataPlaneBinaries {
  limitador: string;
  gateway: string;
  simulator: string;
}

export interface DataPlaneOptions {
  dir: string;
  kubeconfig: KubeConfig;
  binaries: DataPlaneBinaries;
  /** Authorino's gRPC ext_authz address (host:port). */
  authorinoGrpc: string;
  /** The file_sd file Prometheus reads its live targets from. */
  scrapeTargetsFile: string;
  track: (p: ManagedProcess) => void;
}

export interface DataPlane {
  env: Record<string, string>;
  /** Runs a reconcile round now (tests and the control endpoint). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** Writes `content` to `file` by rename, only when it differs; true when it was written. */
function writeIfChanged(file: string, content: string): boolean {
  try {
    if (fs.readFileSync(file, 'utf8') === content) return false;
  } catch {
    // not there yet
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
  return true;
}

export const sha256 = (text: string) =>
  crypto.createHash('sha256').update(text).digest('hex');

const WATCHED = [
  KINDS.limitador,
  KINDS.wasmPlugin,
  KINDS.gatewayClass,
  KINDS.gateway,
  KINDS.httpRoute,
  KINDS.inferenceService,
  KINDS.telemetryPolicy,
];

export async function startDataPlane(
  options: DataPlaneOptions,
): Promise<DataPlane> {
  const { dir, kubeconfig: kc, binaries, track } = options;
  const dpDir = path.join(dir, 'dataplane');
  fs.mkdirSync(dpDir, { recursive: true });
  fs.mkdirSync(path.dirname(options.scrapeTargetsFile), { recursive: true });
  const files = {
    limits: path.join(dpDir, 'limits.yaml'),
    pluginConfig: path.join(dpDir, 'plugin-config.json'),
    routes: path.join(dpDir, 'routes.json'),
    requestData: path.join(dpDir, 'request-data.json'),
  };
  const [limHttp, limGrpc, gwPort, gwAdmin] = await freePorts(4);
  const limitadorUrl = `http://127.0.0.1:${limHttp}`;
  const gatewayUrl = `http://127.0.0.1:${gwPort}`;
  const gatewayAdminUrl = `http://127.0.0.1:${gwAdmin}`;

  const [limitadorCr] = await listObjects(
    kc,
    KINDS.limitador,
    KUADRANT_NAMESPACE,
  );
  writeIfChanged(files.limits, renderLimitsFile(limitadorCr));
  writeIfChanged(
    files.pluginConfig,
    `${JSON.stringify(mergePluginConfigs([]), null, 2)}\n`,
  );
  writeIfChanged(files.routes, `${JSON.stringify({ routes: [] }, null, 2)}\n`);
  writeIfChanged(
    files.requestData,
    `${JSON.stringify({ gateways: [] }, null, 2)}\n`,
  );

  let flags = limitadorFlags(limitadorCr);
  const startLimitador = (): ManagedProcess => {
    const p = spawnManaged(
      'limitador',
      binaries.limitador,
      [
        `--limits-file=${files.limits}`,
        `--http-address=127.0.0.1:${limHttp}`,
        `--grpc-address=127.0.0.1:${limGrpc}`,
        METRIC_LABELS_DEFAULT_FLAG,
        ...flags,
      ],
      { log: path.join(dpDir, 'limitador.log'), installHint: BUILD_SERVERS },
    );
    track(p);
    return p;
  };
  let limitador = startLimitador();
  const limitadorReady = () =>
    waitFor(
      'Limitador /status',
      async () => (await fetch(`${limitadorUrl}/status`)).ok,
      {
        timeoutMs: 30000,
        intervalMs: 100,
        alive: () => limitador.deadMessage(),
      },
    );

  let endpoints = endpointArgs(undefined, {
    authorino: options.authorinoGrpc,
    limitador: `127.0.0.1:${limGrpc}`,
  });
  const startGateway = (): ManagedProcess => {
    const p = spawnManaged(
      'gateway',
      binaries.gateway,
      [
        `--listen=127.0.0.1:${gwPort}`,
        `--admin=127.0.0.1:${gwAdmin}`,
        `--plugin-config=${files.pluginConfig}`,
        `--routes=${files.routes}`,
        `--request-data=${files.requestData}`,
        ...endpoints,
      ],
      { log: path.join(dpDir, 'gateway.log'), installHint: BUILD_SERVERS },
    );
    track(p);
    return p;
  };
  let gateway = startGateway();
  const gatewayReady = () =>
    waitFor(
      'gateway /ready',
      async () => (await fetch(`${gatewayAdminUrl}/ready`)).ok,
      { timeoutMs: 30000, intervalMs: 100, alive: () => gateway.deadMessage() },
    );

  // eslint-disable-next-line prefer-const
  let loop: WatchLoop;
  const models = new ModelServers({
    binary: binaries.simulator,
    dir,
    track,
    log: m => loop.log(m),
    onChange: () => loop.retrySoon(50),
  });

  const round = async () => {
    const [limitadors, plugins, classes, gateways, routes, isvcs, telemetry] =
      await Promise.all(WATCHED.map(k => listObjects(kc, k)));
    const cr = limitadors.find(
      (l: KubeObject) => l.metadata.namespace === KUADRANT_NAMESPACE,
    );
    if (writeIfChanged(files.limits, renderLimitsFile(cr)))
      loop.log(
        `wrote ${cr?.spec?.limits?.length ?? 0} limits to ${files.limits}`,
      );
    const wanted = limitadorFlags(cr);
    if (wanted.join(' ') !== flags.join(' ')) {
      // limitador-operator rolls the Deployment when the CR's options change; counters start again.
      loop.log(`restarting Limitador with ${wanted.join(' ') || 'no flags'}`);
      flags = wanted;
      await limitador.stop(2000);
      limitador = startLimitador();
      await limitadorReady();
    }

    await models.sync(isvcs);

    const istioClasses = new Set(
      classes.filter(isIstioClass).map(c => c.metadata.name),
    );
    const istioGateways = gateways.filter(g =>
      istioClasses.has(g.spec?.gatewayClassName),
    );
    const config = mergePluginConfigs(plugins);
    if (
      writeIfChanged(files.pluginConfig, `${JSON.stringify(config, null, 2)}\n`)
    )
      loop.log(
        `wrote ${config.actionSets.length} action sets to ${files.pluginConfig}`,
      );
    const requestData = buildRequestDataFile(telemetry, plugins);
    for (const error of requestData.errors) loop.log(error);
    if (
      writeIfChanged(
        files.requestData,
        `${JSON.stringify(requestData.file, null, 2)}\n`,
      )
    )
      loop.log(
        `wrote the metric labels of ${requestData.file.gateways.length} Gateways to ${files.requestData}`,
      );
    const routesFile = buildRoutesFile(routes, istioGateways, models.resolve);
    if (
      writeIfChanged(files.routes, `${JSON.stringify(routesFile, null, 2)}\n`)
    )
      loop.log(`wrote ${routesFile.routes.length} routes to ${files.routes}`);
    const wantedEndpoints = endpointArgs(config, {
      authorino: options.authorinoGrpc,
      limitador: `127.0.0.1:${limGrpc}`,
    });
    if (wantedEndpoints.join(' ') !== endpoints.join(' ')) {
      loop.log(
        `restarting the gateway for endpoints ${wantedEndpoints.join(' ')}`,
      );
      endpoints = wantedEndpoints;
      await gateway.stop(2000);
      gateway = startGateway();
      await gatewayReady();
    }

    writeIfChanged(
      options.scrapeTargetsFile,
      `${JSON.stringify(
        [
          {
            targets: [`127.0.0.1:${limHttp}`],
            labels: { job: 'limitador' },
          },
          ...models.targets(),
        ],
        null,
        2,
      )}\n`,
    );
  };
  loop = new WatchLoop(
    kc,
    WATCHED,
    path.join(dpDir, 'data-plane.log'),
    round,
    3000,
  );

  await Promise.all([limitadorReady(), gatewayReady()]);
  await loop.start();

  return {
    env: {
      MAAS_HARNESS_GATEWAY_URL: gatewayUrl,
      MAAS_HARNESS_GATEWAY_ADMIN_URL: gatewayAdminUrl,
      MAAS_HARNESS_LIMITADOR_URL: limitadorUrl,
      MAAS_HARNESS_DATAPLANE_DIR: dpDir,
    },
    sync: () => loop.trigger(),
    stop: async () => {
      await loop.stop();
      await models.stop();
    },
  };
}
