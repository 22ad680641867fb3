import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  maasModelListPermission,
  maasModelReadPermission,
  ModelList,
} from '@maas-portal/plugin-maas-common';
import { PermissionGate } from '../permissions/PermissionGate';
import { requireModels } from '../permissions/lookupModel';
import { readModelServers } from './modelServers';
import { ModelService } from './ModelService';

/**
 * `GET /models` for one caller: the models of the catalog's model servers whose entity they may
 * read (`maas.model.read`, as `GET /models/by-entity` would show them one by one: a developer's
 * list needs no cluster-wide permission), and with `maas.model.list` also every InferenceService
 * no entity shows; the entities they may not read are named in `notReadable`.
 */
export class ModelListService {
  readonly #gate: PermissionGate;
  readonly #catalog: CatalogService;
  readonly #models?: ModelService;

  constructor(options: {
    gate: PermissionGate;
    catalog: CatalogService;
    /** Absent without a cluster: then the list is a 503 saying how to connect one. */
    models?: ModelService;
  }) {
    this.#gate = options.gate;
    this.#catalog = options.catalog;
    this.#models = options.models;
  }

  async listFor(credentials: BackstageCredentials): Promise<ModelList> {
    const models = requireModels(this.#models);
    const servers = await readModelServers(this.#catalog, credentials);
    const [readable, listAll] = await Promise.all([
      this.#gate.allowedOn(
        credentials,
        maasModelReadPermission,
        servers.map(s => s.entityRef),
      ),
      this.#gate.decide(credentials, maasModelListPermission),
    ]);
    return {
      ...models.listModels({
        entities: servers.filter(s => readable.has(s.entityRef)),
        everyInferenceService: listAll.allowed,
      }),
      notReadable: [
        ...new Set(
          servers.map(s => s.entityRef).filter(ref => !readable.has(ref)),
        ),
      ].sort(),
    };
  }
}
