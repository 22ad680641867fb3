import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { ClusterClient, ClusterProbe } from './ClusterClient';
import { withTimeout } from '@maas-portal/plugin-maas-common';

/** {@link ClusterClient} on `@kubernetes/client-node`. */
export class KubernetesClusterClient implements ClusterClient {
  readonly source: string;
  readonly #kubeConfig: KubeConfig;
  readonly #timeoutMs: number;

  constructor(options: {
    kubeConfig: KubeConfig;
    source: string;
    timeoutMs: number;
  }) {
    this.#kubeConfig = options.kubeConfig;
    this.source = options.source;
    this.#timeoutMs = options.timeoutMs;
  }

  get server(): string {
    return this.#kubeConfig.getCurrentCluster()?.server ?? 'unknown';
  }

  async probe(): Promise<ClusterProbe> {
    const server = this.server;
    try {
      const version = await withTimeout(
        this.#kubeConfig.makeApiClient(VersionApi).getCode(),
        this.#timeoutMs,
        `The Kubernetes API server at ${server}`,
      );
      return { reachable: true, server, version: version.gitVersion };
    } catch (error) {
      return { reachable: false, server, error: describeError(error) };
    }
  }
}

function describeError(error: unknown): string {
  const e = error as {
    code?: string;
    message?: string;
    cause?: { code?: string };
  };
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host name not found';
  return e.message ?? String(error);
}
