/** What a probe of the API server found. */
export interface ClusterProbe {
  reachable: boolean;
  server: string;
  version?: string;
  /** Why it is not reachable, in words. */
  error?: string;
}

/** The suite's only door to the Kubernetes API server. */
export interface ClusterClient {
  /** Where the connection comes from, e.g. "kubeconfig /home/me/.kube/config (context kind)". */
  readonly source: string;
  /** The API server URL and the kubeconfig path: shown to admins only (`maas.adminGroups`). */
  readonly internalAddresses?: string[];
  /** Asks the API server for its version, within the configured timeout. */
  probe(): Promise<ClusterProbe>;
}
