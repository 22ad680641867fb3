import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomObjectsApi,
  CoreV1Api,
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  makeInformer,
  ObjectCache,
} from '@kubernetes/client-node';
import {
  clusterPath,
  describeKubeError,
  KubeFailure,
  ResourceKind,
  withTimeout,
} from '@maas-portal/plugin-maas-node';

/** How fresh a cache is: `ageSeconds` is 0 while its watch is up, and grows while it is down. */
export interface CacheStatus {
  kind: string;
  state: 'starting' | 'synced' | 'failed';
  syncedAt?: string;
  ageSeconds: number;
  failure?: KubeFailure;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

type CacheInformer<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

/**
 * A watch-based cache of one kind across all namespaces: one LIST at start, then a WATCH that
 * keeps it current. An expired resourceVersion (410) makes it list again; any other error is kept
 * as a status and retried with backoff by a fresh LIST and WATCH. Until that LIST succeeds, reads
 * are served from the last good data, whose age the status reports. Reads never call the API server.
 */
export class ResourceCache<T extends KubernetesObject> {
  readonly kind: ResourceKind;
  readonly #logger: LoggerService;
  readonly #spawnInformer: () => CacheInformer<T>;
  /** The informer reads are served from: the last one whose LIST succeeded. */
  #serving?: CacheInformer<T>;
  /** The informer currently listing or watching: the serving one, or its replacement. */
  #trying?: CacheInformer<T>;
  #state: CacheStatus['state'] = 'starting';
  #syncedAt?: number;
  #lostAt?: number;
  #failure?: KubeFailure;
  #backoffMs = MIN_BACKOFF_MS;
  #retry?: NodeJS.Timeout;
  #stopped = false;
  #listeners = new Set<() => void>();

  constructor(options: {
    kubeConfig: KubeConfig;
    kind: ResourceKind;
    logger: LoggerService;
    timeoutMs: number;
    labelSelector?: string;
  }) {
    const { kubeConfig, kind, timeoutMs, labelSelector } = options;
    this.kind = kind;
    this.#logger = options.logger;
    const list = listFunction<T>(kubeConfig, kind, labelSelector);
    this.#spawnInformer = () => {
      const informer: CacheInformer<T> = makeInformer<T>(
        kubeConfig,
        clusterPath(kind),
        async () => {
          const result = await withTimeout(
            list(),
            timeoutMs,
            `Listing ${kind.plural}`,
          );
          // The informer stores the listed items right after this resolves.
          setImmediate(() => this.#onListed(informer));
          return result;
        },
        labelSelector,
      );
      informer.on('error', error => this.#onError(informer, error));
      for (const verb of ['add', 'update', 'delete'] as const) {
        informer.on(verb, () => informer === this.#serving && this.#notify());
      }
      return informer;
    };
  }

  start(): void {
    this.#stopped = false;
    const informer = this.#spawnInformer();
    this.#trying = informer;
    informer.start().catch(error => this.#onError(informer, error));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    await Promise.all([this.#serving?.stop(), this.#trying?.stop()]);
  }

  list(namespace?: string): readonly T[] {
    return this.#serving?.list(namespace) ?? [];
  }

  get(namespace: string, name: string): T | undefined {
    return this.#serving?.get(name, namespace);
  }

  status(now = Date.now()): CacheStatus {
    const ageMs =
      this.#state === 'synced' || this.#lostAt === undefined
        ? 0
        : now - this.#lostAt;
    return {
      kind: this.kind.kind,
      state: this.#state,
      syncedAt: this.#syncedAt
        ? new Date(this.#syncedAt).toISOString()
        : undefined,
      ageSeconds: Math.round(ageMs / 1000),
      failure: this.#state === 'synced' ? undefined : this.#failure,
    };
  }

  /** Resolves once the first LIST has been stored, or the cache has failed; never rejects. */
  async ready(timeoutMs: number): Promise<CacheStatus> {
    if (this.#state !== 'starting') return this.status();
    await new Promise<void>(resolve => {
      const unsubscribe = this.onChange(
        () => this.#state !== 'starting' && finish(),
      );
      const timer = setTimeout(finish, timeoutMs);
      function finish() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    return this.status();
  }

  /** Called on every change; returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #onListed(informer: CacheInformer<T>) {
    if (informer !== this.#trying || this.#stopped) return;
    if (this.#serving && this.#serving !== informer)
      this.#serving.stop().catch(() => undefined);
    this.#serving = informer;
    const recovered = this.#state === 'failed';
    this.#state = 'synced';
    this.#syncedAt = Date.now();
    this.#lostAt = undefined;
    this.#failure = undefined;
    this.#backoffMs = MIN_BACKOFF_MS;
    if (recovered) this.#logger.info(`Cache of ${this.kind.plural} recovered`);
    this.#notify();
  }

  #onError(informer: CacheInformer<T>, error: unknown) {
    if (this.#stopped || informer !== this.#trying) return;
    const failure = describeKubeError(error, {
      kind: this.kind,
      verb: 'list and watch',
    });
    // A CRD's watch cache answers 429 while it initializes (a new API server, a new CRD):
    // before the first sync that is still starting, not a failure; the retry will find it ready.
    const initializing =
      this.#state === 'starting' &&
      failure.type === 'other' &&
      failure.status === 429;
    if (!initializing) this.#fail(failure);
    if (informer !== this.#serving) informer.stop().catch(() => undefined);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.start(), this.#backoffMs);
    this.#retry.unref?.();
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
  }

  #fail(failure: KubeFailure) {
    if (
      this.#state === 'synced' ||
      this.#failure?.message !== failure.message
    ) {
      this.#logger.warn(
        `Cache of ${this.kind.plural}: ${failure.message}; retrying in ${
          this.#backoffMs
        } ms`,
      );
    }
    this.#lostAt ??= Date.now();
    this.#state = 'failed';
    this.#failure = failure;
    this.#notify();
  }

  #notify() {
    for (const listener of this.#listeners) listener();
  }
}

function listFunction<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  kind: ResourceKind,
  labelSelector?: string,
): () => Promise<KubernetesListObject<T>> {
  if (!kind.group) {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    if (kind.plural !== 'secrets')
      throw new Error(`No list function for core kind ${kind.kind}`);
    return () =>
      core.listSecretForAllNamespaces({ labelSelector }) as Promise<
        KubernetesListObject<T>
      >;
  }
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return () =>
    custom.listClusterCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      labelSelector,
    }) as Promise<KubernetesListObject<T>>;
}
