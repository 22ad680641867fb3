import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { ModelEntities } from '@maas-portal/plugin-maas-common';

const LOCATION_KEY = 'maas-cluster';
const TIMEOUT_MS = 10_000;
/** How long a signalled model may take to reach the MaaS backend's watch cache. */
const SIGNALLED_WAIT_MS = 5_000;
const SIGNALLED_RETRY_MS = 200;

/**
 * Provides the catalog entities of models the portal applied itself (no repository): the MaaS
 * backend reads them from the InferenceServices in its cache. When the backend cannot answer, the
 * catalog keeps what it had, rather than losing every model for a moment.
 *
 * @public
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
  /** Refreshes run one after another, so that an older answer never replaces a newer one. */
  #queue: Promise<unknown> = Promise.resolve();

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
    await this.#serialized(() => this.#refresh());
  }

  /**
   * Refreshes at once for a model that was just applied or adopted, again until its entity is in
   * the backend's answer (its watch cache sees the new InferenceService a moment after the apply),
   * for up to 5 s. True when the entity was given to the catalog.
   */
  async refreshFor(entityRef: string): Promise<boolean> {
    const deadline = Date.now() + SIGNALLED_WAIT_MS;
    for (;;) {
      const given = await this.#serialized(() => this.#refresh());
      if (given?.has(entityRef.toLocaleLowerCase('en-US'))) return true;
      if (Date.now() + SIGNALLED_RETRY_MS > deadline) return false;
      await new Promise(r => setTimeout(r, SIGNALLED_RETRY_MS));
    }
  }

  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The refs of the entities given to the catalog, or undefined when none could be read. */
  async #refresh(): Promise<Set<string> | undefined> {
    if (!this.#connection) return undefined;
    let body: ModelEntities;
    try {
      body = await this.#fetchEntities();
    } catch (error) {
      // Said once per cause, not at every refresh.
      const message = (error as Error).message;
      if (message !== this.#lastFailure)
        this.#services.logger.warn(`Model entities not refreshed: ${message}`);
      this.#lastFailure = message;
      return undefined;
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
    return new Set(
      body.entities.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US')),
    );
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
