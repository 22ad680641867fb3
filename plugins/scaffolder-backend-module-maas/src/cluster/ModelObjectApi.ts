import {
  KubeConfig,
  KubernetesObjectApi,
  V1APIResource,
} from '@kubernetes/client-node';

/** The generic object client, plus "does the API server serve this kind?" (its discovery). */
export class ModelObjectApi extends KubernetesObjectApi {
  static forConfig(kubeConfig: KubeConfig): ModelObjectApi {
    return kubeConfig.makeApiClient(ModelObjectApi);
  }

  /** Undefined when the group/version is served but not the kind; throws 404 when neither is. */
  served(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
}
