import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { ClusterClient, ClusterProbe } from './ClusterClient';
import { describeKubeError, withTimeout } from '@maas-portal/plugin-maas-node';

/** {@link ClusterClient} on `@kubernetes/client-node`. */
export class KubernetesClusterClient implements ClusterClient {
  readonly source: string;
  readonly #kubeConfig: KubeConfig;
  readonly #timeoutMs: number;
  readonly #path?: string;

  constructor(options: {
    kubeConfig: KubeConfig;
    source: string;
    timeoutMs: number;
    /** The kubeconfig file, when one was read. */
    path?: string;
  }) {
    this.#kubeConfig = options.kubeConfig;
    this.source = options.source;
    this.#timeoutMs = options.timeoutMs;
    this.#path = options.path;
  }

  get internalAddresses(): string[] {
    return [this.server, this.#path].filter((a): a is string => !!a);
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
      const failure = describeKubeError(error, {
        verb: 'read the server version',
      });
      return {
        reachable: false,
        server,
        error:
          failure.type === 'unreachable' ? failure.reason : failure.message,
      };
    }
  }
}
