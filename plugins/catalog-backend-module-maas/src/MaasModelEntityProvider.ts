import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { ModelEntities } from '@maas-portal/plugin-maas-common';

const LOCATION_KEY = 'maas-cluster';
const TIMEOUT_MS = 10_000;

/**
 * Provides the catalog entities of models the portal applied itself (no repository): the MaaS
 * backend reads them from the InferenceServices in its cache. When the backend cannot answer, the
 * catalog keeps what it had, rather than losing every model for a moment.
 */
export class MaasModelEntityProvider implements EntityProvider {
  readonly #services: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
  };
  #connection?: EntityProviderConnection;
  #lastRejected = '';
  #lastFailure = '';

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    this.#services = options;
  }

  getProviderName(): string {
    return 'MaasModelEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
  }

  /** Reads the entities from the MaaS backend and replaces what this provider had given. */
  async refresh(): Promise<void> {
    if (!this.#connection) return;
    let body: ModelEntities;
    try {
      body = await this.#fetchEntities();
    } catch (error) {
      // Said once per cause, not at every refresh.
      const message = (error as Error).message;
      if (message !== this.#lastFailure)
        this.#services.logger.warn(`Model entities not refreshed: ${message}`);
      this.#lastFailure = message;
      return;
    }
    if (this.#lastFailure)
      this.#services.logger.info('Model entities are refreshed again');
    this.#lastFailure = '';
    const rejected = body.rejected
      .map(r => `${r.inferenceService}: ${r.reason}`)
      .join('; ');
    if (rejected && rejected !== this.#lastRejected)
      this.#services.logger.warn(`Ignored model entities: ${rejected}`);
    this.#lastRejected = rejected;
    await this.#connection.applyMutation({
      type: 'full',
      entities: body.entities.map(entity => ({
        entity,
        locationKey: LOCATION_KEY,
      })),
    });
  }

  async #fetchEntities(): Promise<ModelEntities> {
    const baseUrl = await this.#services.discovery.getBaseUrl('maas');
    const { token } = await this.#services.auth.getPluginRequestToken({
      onBehalfOf: await this.#services.auth.getOwnServiceCredentials(),
      targetPluginId: 'maas',
    });
    const response = await fetch(`${baseUrl}/catalog/entities`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const message = (() => {
        try {
          return JSON.parse(text).error.message as string;
        } catch {
          return text.slice(0, 200);
        }
      })();
      throw new Error(
        `the MaaS backend answered ${response.status}: ${message}`,
      );
    }
    return (await response.json()) as ModelEntities;
  }
}
