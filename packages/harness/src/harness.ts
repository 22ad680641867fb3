/*
 * Starts etcd, kube-apiserver, kube-controller-manager, Prometheus (backfilled) and PostgreSQL on 127.0.0.1
 * in a temp dir; stops them all and removes the dir. Used by cli.ts (`up`, `run`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlServer } from './control.ts';
import type { ControlServer } from './control.ts';
import { installCrds, loadCrdFiles } from './crds.ts';
import type { InstalledCrd } from './crds.ts';
import { startDataPlane } from './dataplane/dataPlane.ts';
import type { DataPlane } from './dataplane/dataPlane.ts';
import { startKuadrantControlPlane } from './kuadrant/controlPlane.ts';
import type { KuadrantControlPlane } from './kuadrant/controlPlane.ts';
import { ensureNamespace } from './kube/client.ts';
import { kubeConfigFromFile } from './kuadrant/kubeObjects.ts';
import { startKube } from './kube/apiserver.ts';
import type { KubeCluster } from './kube/apiserver.ts';
import { startControllerManager } from './kube/controllerManager.ts';
import { seconds, stderrLogger } from './logging.ts';
import type { Logger } from './logging.ts';
import { findPostgres, startPostgres } from './postgres.ts';
import type { PostgresInstance } from './postgres.ts';
import { startOidcProvider } from './oidc/provider.ts';
import type { OidcProviderInstance } from './oidc/provider.ts';
import { freePort } from './ports.ts';
import { findExecutable, rssMiB } from './processes.ts';
import type { ManagedProcess } from './processes.ts';
import { scrapeTargetsFile, startPrometheus } from './prometheus.ts';
import type { PrometheusInstance } from './prometheus.ts';
import { buildServers, INSTALL_PREREQUISITES } from './servers.ts';

export interface HarnessOptions {
  /** Seed of the synthetic metrics (default: MAAS_HARNESS_METRICS_SEED or 42). */
  seed?: number;
  /** Folder with the CRD YAML files (default: MAAS_HARNESS_CRD_DIR or <repo>/../shared/crds). */
  crdDir?: string;
  /** Namespaces to create (default: ['llm']). */
  namespaces?: string[];
  /** Keep the metrics going after the start, for a portal left running (`up`). */
  liveMetrics?: boolean;
  log?: Logger;
}

const TMP_PREFIX = 'maas-harness-';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === 'EPERM';
  }
}

/** Removes temp dirs left by harnesses that were killed with SIGKILL (their pid is gone). */
function removeStaleDirs(log: Logger): void {
  const tmp = os.tmpdir();
  for (const d of fs.readdirSync(tmp)) {
    const m = d.match(/^maas-harness-(\d+)-/);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) {
      fs.rmSync(path.join(tmp, d), { recursive: true, force: true });
      log(`removed stale ${path.join(tmp, d)}`);
    }
  }
}

/** Fails before anything starts when a server binary is missing, naming the command that installs it. */
function preflight(): void {
  const missing: string[] = [];
  const need = (what: string, p: string) => {
    if (!findExecutable(p)) missing.push(`${what} (${p})`);
  };
  need(
    'prometheus',
    process.env.MAAS_HARNESS_PROMETHEUS || '/usr/bin/prometheus',
  );
  need('promtool', process.env.MAAS_HARNESS_PROMTOOL || '/usr/bin/promtool');
  need('setpriv', 'setpriv');
  need('psql', 'psql');
  try {
    findPostgres();
  } catch (e) {
    missing.push(e instanceof Error ? e.message : String(e));
  }
  if (missing.length) {
    throw new Error(
      `missing: ${missing.join(
        '; ',
      )}. Install them with: ${INSTALL_PREREQUISITES}`,
    );
  }
}

export function repoRoot(): string {
  return path.resolve(import.meta.dirname, '..', '..', '..');
}

export class Harness {
  options: HarnessOptions;
  log: Logger;
  dir = '';
  env: Record<string, string> = {};
  processes: ManagedProcess[] = [];
  timings: Array<{ what: string; seconds: number }> = [];
  kube: KubeCluster | undefined;
  prometheus: PrometheusInstance | undefined;
  postgres: PostgresInstance | undefined;
  kuadrant: KuadrantControlPlane | undefined;
  dataPlane: DataPlane | undefined;
  oidc: OidcProviderInstance | undefined;
  /** Fault drills stop and start servers through it (control.ts). */
  control: ControlServer | undefined;
  crds: InstalledCrd[] = [];
  stopping = false;
  private stopped: Promise<void> | undefined;

  constructor(options: HarnessOptions = {}) {
    this.options = options;
    this.log = options.log ?? stderrLogger;
  }

  private track = (p: ManagedProcess): void => {
    this.processes.push(p);
    if (this.stopping) void p.stop(1000);
  };

  private timing = (what: string, startMs: number): void => {
    const s = (Date.now() - startMs) / 1000;
    this.timings.push({ what, seconds: s });
    this.log(`${what} ready in ${s.toFixed(1)} s`);
  };

  private checkNotStopping(): void {
    if (this.stopping) throw new Error('harness is stopping');
  }

  async start(): Promise<Record<string, string>> {
    const t0 = Date.now();
    removeStaleDirs(this.log);
    this.dir = fs.mkdtempSync(
      path.join(os.tmpdir(), `${TMP_PREFIX}${process.pid}-`),
    );
    this.log(`temp dir ${this.dir}`);
    const seed =
      this.options.seed ?? Number(process.env.MAAS_HARNESS_METRICS_SEED ?? 42);
    const crdDir =
      this.options.crdDir ??
      process.env.MAAS_HARNESS_CRD_DIR ??
      path.resolve(repoRoot(), '..', 'shared', 'crds');
    // Fail fast on a missing binary, before anything starts.
    preflight();
    const binariesStart = Date.now();
    const binaries = await buildServers();
    this.timing('server binaries', binariesStart);
    const endTime = Math.floor(Date.now() / 1000 / 60) * 60;
    const common = { dir: this.dir, track: this.track, timing: this.timing };

    const kubeTrack = (async () => {
      const crdFilesPromise = loadCrdFiles(crdDir, this.log);
      crdFilesPromise.catch(() => undefined);
      const kube = await startKube({ ...common, binaries });
      this.kube = kube;
      this.checkNotStopping();
      const t = Date.now();
      const crdFiles = await crdFilesPromise;
      const [crds] = await Promise.all([
        installCrds(kube.adminClient, crdFiles, this.log),
        startControllerManager({ ...common, binaries, cluster: kube }),
        ...(this.options.namespaces ?? ['llm']).map(ns =>
          ensureNamespace(kube.adminClient, ns),
        ),
      ]);
      this.crds = crds;
      this.timing('CRDs + namespaces', t);
      this.checkNotStopping();
      this.kuadrant = await startKuadrantControlPlane({
        ...common,
        binaries,
        kubeconfig: kube.adminKubeconfig,
        log: this.log,
      });
      this.checkNotStopping();
      const t2 = Date.now();
      this.dataPlane = await startDataPlane({
        dir: this.dir,
        kubeconfig: kubeConfigFromFile(kube.adminKubeconfig),
        binaries: {
          limitador: binaries['maas-limitador-server'],
          gateway: binaries['maas-gateway'],
          simulator: binaries['llm-d-inference-sim'],
        },
        authorinoGrpc: this.kuadrant.authorinoGrpc,
        scrapeTargetsFile: scrapeTargetsFile(this.dir),
        track: this.track,
      });
      this.timing('data plane (Limitador, gateway)', t2);
    })();
    const promTrack = (async () => {
      this.prometheus = await startPrometheus({
        ...common,
        seed,
        endTime,
        live: this.options.liveMetrics,
      });
    })();
    const pgTrack = (async () => {
      this.postgres = await startPostgres(common);
    })();
    const oidcTrack = (async () => {
      const t = Date.now();
      this.oidc = await startOidcProvider({
        port: await freePort(),
        log: this.log,
      });
      this.timing('OIDC provider', t);
    })();
    const results = await Promise.allSettled([
      kubeTrack,
      promTrack,
      pgTrack,
      oidcTrack,
    ]);
    const failed = results.find(r => r.status === 'rejected') as
      | PromiseRejectedResult
      | undefined;
    if (failed) throw failed.reason;
    this.checkNotStopping();

    const kube = this.kube!;
    const prom = this.prometheus!;
    const pg = this.postgres!;
    this.control = await startControlServer(this);
    const crdsFile = path.join(this.dir, 'crds.json');
    fs.writeFileSync(crdsFile, `${JSON.stringify(this.crds, null, 2)}\n`);
    this.env = {
      MAAS_HARNESS_DIR: this.dir,
      MAAS_HARNESS_KUBECONFIG: kube.adminKubeconfig,
      MAAS_HARNESS_LIMITED_KUBECONFIG: kube.limitedKubeconfig,
      MAAS_HARNESS_LIMITED_USER: kube.limited.name,
      MAAS_HARNESS_KUBE_SERVER: kube.server,
      MAAS_HARNESS_CRDS: crdsFile,
      MAAS_HARNESS_PROMETHEUS_URL: prom.url,
      MAAS_HARNESS_METRICS: prom.metricsFile,
      MAAS_HARNESS_POSTGRES_URL: pg.url,
      MAAS_HARNESS_CONTROL_URL: this.control.url,
      [`BACKSTAGE_TEST_DATABASE_POSTGRES${pg.major}_CONNECTION_STRING`]: pg.url,
      ...this.kuadrant?.env,
      ...this.dataPlane?.env,
      ...this.oidc?.env,
    };
    const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    fs.writeFileSync(
      path.join(this.dir, 'env.sh'),
      `${Object.entries(this.env)
        .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
        .join('\n')}\n`,
    );
    fs.writeFileSync(
      path.join(this.dir, 'env.json'),
      `${JSON.stringify(this.env, null, 2)}\n`,
    );
    const total = (Date.now() - t0) / 1000;
    this.timings.push({ what: 'total', seconds: total });
    const mem = this.processes
      .filter(p => !p.exit)
      .map(p => `${p.name} ${rssMiB(p.pid)} MiB`)
      .join(', ');
    this.log(`up in ${total.toFixed(1)} s; memory (RSS): ${mem}`);
    return this.env;
  }

  /** The first unexpected exit of a server, as a promise (for `up`/`run` to notice a crash). */
  crashed(): Promise<string> {
    return new Promise(resolve => {
      for (const p of this.processes) {
        void p.exited.then(() => {
          if (!p.stopping && !this.stopping)
            resolve(p.deadMessage() ?? `${p.name} exited`);
        });
      }
    });
  }

  /** Stops every process (group), then removes the temp dir. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.stopped = (async () => {
        const t = Date.now();
        await this.control?.close();
        await this.dataPlane?.stop();
        await this.kuadrant?.stop();
        await this.oidc?.stop();
        const etcd = this.processes.filter(p => p.name === 'etcd');
        const others = this.processes.filter(p => p.name !== 'etcd');
        await Promise.all(others.map(p => p.stop()));
        await Promise.all(etcd.map(p => p.stop()));
        if (this.dir && !process.env.MAAS_HARNESS_KEEP_DIR) {
          fs.rmSync(this.dir, { recursive: true, force: true });
        }
        this.log(
          `stopped ${this.processes.length} processes${
            this.dir && !process.env.MAAS_HARNESS_KEEP_DIR
              ? ` and removed ${this.dir}`
              : ''
          } in ${seconds(t)}`,
        );
      })();
    }
    return this.stopped;
  }

  /** Synchronous last resort for process.on('exit'). */
  killNow(): void {
    for (const p of this.processes) if (!p.exit) p.killNow();
    if (this.dir && !process.env.MAAS_HARNESS_KEEP_DIR) {
      try {
        fs.rmSync(this.dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  }
}
