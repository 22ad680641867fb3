/*
 * KServe's part, for the harness: every InferenceService gets an llm-d-inference-sim process, which plays its
 * predictor Service `<name>-predictor` (port 80 → the container). For the simulator runtime that is exactly what
 * KServe would run (the container's own args, the port replaced); for vLLM on a GPU (no GPU here) the simulator
 * serves the model name vLLM would (`--served-model-name={{.Name}}`: the InferenceService's name). A process
 * counts as an endpoint once it answers /v1/models, as a pod once it is Ready; it is stopped when its
 * InferenceService goes. The InferenceService's status is not written (KServe's controller does not run).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { KubeObject } from '../kuadrant/kubeObjects.ts';
import { freePort } from '../ports.ts';
import { spawnManaged } from '../processes.ts';
import type { ManagedProcess } from '../processes.ts';
import { BUILD_SERVERS } from '../servers.ts';
import { waitFor } from '../waitFor.ts';

interface ModelServer {
  key: string;
  namespace: string;
  name: string;
  /** What the predictor spec asked for, so a changed spec restarts the process. */
  spec: string;
  model: string;
  process: ManagedProcess;
  url: string;
  ready: boolean;
}

/** The args KServe would run the simulator with, the port left out (the harness picks one). */
export function simulatorArgs(isvc: KubeObject): {
  model: string;
  args: string[];
} {
  const container = isvc.spec?.predictor?.containers?.[0];
  if (!container) {
    // vLLM through a ServingRuntime: the served model name is the InferenceService's name.
    return {
      model: isvc.metadata.name,
      args: [`--model=${isvc.metadata.name}`],
    };
  }
  const given: string[] = [...(container.args ?? [])];
  const args: string[] = [];
  let model = isvc.metadata.name;
  for (let i = 0; i < given.length; i++) {
    const [flag, inline] = given[i].split(/=(.*)/s, 2);
    const value = inline ?? given[i + 1];
    if (flag === '--port') {
      if (inline === undefined) i++;
      continue;
    }
    if (flag === '--model' && value) model = value;
    args.push(given[i]);
  }
  // A container without --model (another image, played by the simulator): served under the service's name.
  if (!given.some(a => a === '--model' || a.startsWith('--model=')))
    args.unshift(`--model=${model}`);
  return { model, args };
}

export class ModelServers {
  private readonly servers = new Map<string, ModelServer>();
  private stopped = false;

  // Assigned by hand: Node's type stripping (which runs the harness) has no parameter properties.
  private readonly options: {
    binary: string;
    dir: string;
    track: (p: ManagedProcess) => void;
    log: (message: string) => void;
    /** Called when an endpoint became ready or went away. */
    onChange: () => void;
  };

  constructor(options: ModelServers['options']) {
    this.options = options;
  }

  /** Starts a simulator for every InferenceService without one, stops those whose InferenceService is gone. */
  async sync(isvcs: KubeObject[]): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map(
      isvcs
        .filter(i => !i.metadata.annotations?.['harness.maas.io/no-simulator'])
        .map(i => [`${i.metadata.namespace}/${i.metadata.name}`, i]),
    );
    for (const [key, server] of this.servers) {
      const isvc = wanted.get(key);
      if (!isvc || JSON.stringify(isvc.spec?.predictor) !== server.spec) {
        this.servers.delete(key);
        this.options.log(`stopping the simulator of ${key}`);
        await server.process.stop(1000);
        this.options.onChange();
      }
    }
    for (const [key, isvc] of wanted) {
      if (!this.servers.has(key)) await this.start(key, isvc);
    }
  }

  private async start(key: string, isvc: KubeObject): Promise<void> {
    const { model, args } = simulatorArgs(isvc);
    const port = await freePort();
    const logDir = path.join(this.options.dir, 'dataplane', 'models');
    fs.mkdirSync(logDir, { recursive: true });
    const process = spawnManaged(
      `model ${key}`,
      this.options.binary,
      [...args, `--port=${port}`, '--force-dummy-tokenizer'],
      {
        log: path.join(logDir, `${key.replace('/', '_')}.log`),
        installHint: BUILD_SERVERS,
      },
    );
    this.options.track(process);
    const server: ModelServer = {
      key,
      namespace: isvc.metadata.namespace ?? 'default',
      name: isvc.metadata.name,
      spec: JSON.stringify(isvc.spec?.predictor),
      model,
      process,
      url: `http://127.0.0.1:${port}`,
      ready: false,
    };
    this.servers.set(key, server);
    this.options.log(
      `started the simulator of ${key} (model ${model}) on ${server.url}`,
    );
    void waitFor(
      `the simulator of ${key}`,
      async () => (await fetch(`${server.url}/v1/models`)).ok,
      {
        timeoutMs: 60000,
        intervalMs: 200,
        alive: () => process.deadMessage(),
      },
    ).then(
      () => {
        if (this.servers.get(key) !== server) return;
        server.ready = true;
        this.options.onChange();
      },
      e => this.options.log(String(e instanceof Error ? e.message : e)),
    );
  }

  /** The URL behind `<namespace>/<name>-predictor`, once its process is ready. */
  resolve = (
    namespace: string,
    service: string,
    _port: number | undefined,
  ): string | undefined => {
    const m = service.match(/^(.*)-predictor$/);
    if (!m) return undefined;
    const server = this.servers.get(`${namespace}/${m[1]}`);
    return server?.ready ? server.url : undefined;
  };

  /** Prometheus scrape targets of the ready servers, labelled as a pod of the model would be. */
  targets(): Array<{ targets: string[]; labels: Record<string, string> }> {
    return [...this.servers.values()]
      .filter(s => s.ready)
      .map(s => ({
        targets: [s.url.replace('http://', '')],
        labels: {
          job: 'kserve-model',
          namespace: s.namespace,
          inferenceservice: s.name,
        },
      }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.servers.values()].map(s => s.process.stop(1000)),
    );
    this.servers.clear();
  }
}
