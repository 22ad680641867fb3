import {
  KubeConfig,
  KubernetesObjectApi,
  V1APIResource,
} from '@kubernetes/client-node';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  withTimeout,
} from '@maas-portal/plugin-maas-node';

/**
 * The generic object client, plus "does the API server serve this kind?" (its discovery). Every
 * call is bounded by a timeout, so that an unreachable cluster fails a step instead of hanging it.
 */
export class ModelObjectApi extends KubernetesObjectApi {
  static forConfig(
    kubeConfig: KubeConfig,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ): ModelObjectApi {
    const api = kubeConfig.makeApiClient(ModelObjectApi);
    const bounded = <F extends (...args: any[]) => Promise<any>>(call: F): F =>
      ((...args: Parameters<F>) =>
        withTimeout(
          call(...args),
          timeoutMs,
          // The task log is read by whoever runs the template: it names the setting, not the
          // internal address, which only admins see (on /api/maas/status).
          "The portal's Kubernetes API server (config maas.cluster)",
        )) as F;
    api.read = bounded(api.read.bind(api));
    api.patch = bounded(api.patch.bind(api));
    api.list = bounded(api.list.bind(api));
    api.served = bounded(api.served.bind(api));
    return api;
  }

  /** Undefined when the group/version is served but not the kind; throws 404 when neither is. */
  served(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
}
