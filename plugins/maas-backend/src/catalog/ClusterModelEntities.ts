import { ServiceUnavailableError } from '@backstage/errors';
import { ModelEntities } from '@maas-portal/plugin-maas-common';
import {
  INFERENCE_SERVICE,
  InferenceService,
} from '@maas-portal/plugin-maas-node';
import { ClusterState } from '../cluster/ClusterState';
import { MaasConfig } from '../config/MaasConfig';
import { modelEntitiesFromCluster } from './modelEntitiesFromCluster';

/**
 * The entities of the models the portal applied, for the suite's catalog module
 * (`GET /catalog/entities`), read from the watch-based cache.
 */
export class ClusterModelEntities {
  readonly #state?: Pick<ClusterState, 'status' | 'list'>;
  readonly #config: Pick<
    MaasConfig,
    'namespace' | 'catalogNamespaces' | 'scheme'
  >;

  constructor(options: {
    /** The watch caches; absent without a cluster. */
    state?: Pick<ClusterState, 'status' | 'list'>;
    config: Pick<MaasConfig, 'namespace' | 'catalogNamespaces' | 'scheme'>;
  }) {
    this.#state = options.state;
    this.#config = options.config;
  }

  /**
   * The entities, and the InferenceServices refused as entities with why. None without a cluster:
   * no model comes from one. A 503 while the InferenceServices are not read yet, or the cluster
   * does not answer: the catalog then keeps what it has rather than losing models.
   */
  read(): ModelEntities {
    const state = this.#state;
    if (!state) return { entities: [], rejected: [] };
    const status = state.status(INFERENCE_SERVICE);
    if (!status.syncedAt) {
      throw new ServiceUnavailableError(
        status.failure?.message ??
          'The cache of InferenceServices is still loading',
      );
    }
    return modelEntitiesFromCluster(
      state.list<InferenceService>(INFERENCE_SERVICE),
      {
        portalNamespace: this.#config.namespace,
        namespaces: this.#config.catalogNamespaces,
        scheme: this.#config.scheme,
      },
    );
  }
}
