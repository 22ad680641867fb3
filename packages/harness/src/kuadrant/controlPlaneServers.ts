/*
 * kuadrant-operator, Authorino and llm-d-inference-sim as child processes of the harness, built by
 * scripts/build-servers.sh into $MAAS_CACHE_DIR/servers/bin. Each binds 127.0.0.1 where a flag allows it;
 * Authorino's raw HTTP authorization port and the simulator's port have no address flag and listen on all
 * interfaces (the README says so).
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePorts } from '../ports.ts';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { BUILD_SERVERS } from '../servers.ts';
import type { ServerBinaries } from '../servers.ts';
import { waitFor } from '../waitFor.ts';
import { KUADRANT_NAMESPACE } from './kubeObjects.ts';

export type ControlPlaneBinaries = Pick<
  ServerBinaries,
  'kuadrant-operator' | 'authorino' | 'llm-d-inference-sim'
>;

export interface ServerContext {
  /** The harness's temp dir; logs go to <dir>/kuadrant/<server>.log. */
  dir: string;
  kubeconfig: string;
  /** The binaries build-servers.sh made (the harness's buildServers()). */
  binaries: ControlPlaneBinaries;
  track: (p: ManagedProcess) => void;
}

function logFile(ctx: ServerContext, name: string): string {
  const dir = path.join(ctx.dir, 'kuadrant');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.log`);
}

function spawnServer(
  ctx: ServerContext,
  name: keyof ControlPlaneBinaries,
  args: string[],
  env: Record<string, string> = {},
): ManagedProcess {
  const p = spawnManaged(name, ctx.binaries[name], args, {
    log: logFile(ctx, name),
    env: { ...process.env, KUBECONFIG: ctx.kubeconfig, ...env },
    installHint: BUILD_SERVERS,
  });
  ctx.track(p);
  return p;
}

/** Any HTTP answer from `url` (the server is listening). */
async function answers(url: string, init?: RequestInit): Promise<boolean> {
  const res = await fetch(url, {
    ...init,
    signal: AbortSignal.timeout(2000),
  });
  await res.arrayBuffer();
  return true;
}

export interface StartedServer {
  process: ManagedProcess;
  url: string;
}

/** kuadrant-operator; ready when its health probe answers /readyz. */
export async function startKuadrantOperator(
  ctx: ServerContext,
): Promise<StartedServer> {
  const [metrics, probe] = await freePorts(2);
  const p = spawnServer(
    ctx,
    'kuadrant-operator',
    [
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      `--health-probe-bind-address=127.0.0.1:${probe}`,
    ],
    { OPERATOR_NAMESPACE: KUADRANT_NAMESPACE, LOG_MODE: 'development' },
  );
  const url = `http://127.0.0.1:${probe}`;
  await waitFor(
    'kuadrant-operator /readyz',
    async () => (await fetch(`${url}/readyz`)).ok,
    { timeoutMs: 60000, intervalMs: 200, alive: () => p.deadMessage() },
  );
  return { process: p, url };
}

/**
 * Authorino's authorization server: its gRPC ext_authz interface (what the gateway calls, as Envoy does: only it
 * returns the identity as dynamic metadata) and its raw HTTP interface (`/check`, for tests of Authorino
 * itself); the OIDC discovery server is off (port 0). It watches AuthConfigs in all namespaces and writes their
 * Ready status itself. Neither authorization port takes an address: both listen on all interfaces.
 */
export async function startAuthorino(
  ctx: ServerContext,
): Promise<StartedServer & { grpcAddress: string }> {
  const [http, grpc, metrics, probe] = await freePorts(4);
  const p = spawnServer(ctx, 'authorino', [
    'server',
    `--ext-auth-http-port=${http}`,
    `--ext-auth-grpc-port=${grpc}`,
    '--oidc-http-port=0',
    `--metrics-addr=127.0.0.1:${metrics}`,
    `--health-probe-addr=127.0.0.1:${probe}`,
    // What the Authorino CR kuadrant-operator writes asks for (spec.supersedingHostSubsets).
    '--allow-superseding-host-subsets',
  ]);
  const url = `http://127.0.0.1:${http}`;
  await waitFor(
    'Authorino',
    async () =>
      (await answers(`${url}/check`)) &&
      (
        await fetch(`http://127.0.0.1:${probe}/readyz`)
      ).ok,
    { timeoutMs: 60000, intervalMs: 200, alive: () => p.deadMessage() },
  );
  return { process: p, url, grpcAddress: `127.0.0.1:${grpc}` };
}

/** The model name the simulator serves unless MAAS_HARNESS_SIMULATOR_MODEL says otherwise. */
export const DEFAULT_SIMULATOR_MODEL = 'simulator-model';

/** llm-d-inference-sim with its in-process tokenizer (no Hugging Face at run time). */
export async function startSimulator(
  ctx: ServerContext,
  model: string,
): Promise<StartedServer> {
  const [port] = await freePorts(1);
  const p = spawnServer(ctx, 'llm-d-inference-sim', [
    `--model=${model}`,
    `--port=${port}`,
    '--force-dummy-tokenizer',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'llm-d-inference-sim /v1/models',
    async () => (await fetch(`${url}/v1/models`)).ok,
    { timeoutMs: 60000, intervalMs: 200, alive: () => p.deadMessage() },
  );
  return { process: p, url };
}
