import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { CacheAge } from '@maas-portal/plugin-maas-common';
import { CacheStatus, ResourceCache } from './ResourceCache';
import { ResourceKind, WATCHED_KINDS } from '@maas-portal/plugin-maas-node';

/**
 * The watch-based caches of every kind the model pages read. Page loads read these and never call
 * the API server; each cache reports whether it is synced and how old its data is.
 */
export class ClusterState {
  readonly #caches = new Map<string, ResourceCache<KubernetesObject>>();
  readonly #timeoutMs: number;
  #firstRead?: Promise<void>;

  constructor(options: {
    kubeConfig: KubeConfig;
    logger: LoggerService;
    timeoutMs: number;
    kinds?: ResourceKind[];
  }) {
    this.#timeoutMs = options.timeoutMs;
    for (const kind of options.kinds ?? WATCHED_KINDS) {
      this.#caches.set(
        kind.kind,
        new ResourceCache({
          kubeConfig: options.kubeConfig,
          kind,
          logger: options.logger,
          timeoutMs: options.timeoutMs,
        }),
      );
    }
  }

  start(): void {
    for (const cache of this.#caches.values()) cache.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#caches.values()].map(c => c.stop()));
  }

  /** Waits (at most `timeoutMs`) until every cache has listed once or failed. */
  async ready(timeoutMs: number): Promise<CacheStatus[]> {
    return Promise.all([...this.#caches.values()].map(c => c.ready(timeoutMs)));
  }

  /**
   * Resolves once every cache has made its first LIST or failed it, at most a LIST's timeout (and a
   * second) after it is asked; at once from then on, whatever the caches' state. What a request or task
   * that comes just after a start waits for: it is then answered from the whole cluster, not with 503
   * "still loading" or with figures of routes whose policies are not read yet. Never rejects.
   */
  firstRead(): Promise<void> {
    this.#firstRead ??= this.ready(this.#timeoutMs + 1000).then(() => {});
    return this.#firstRead;
  }

  list<T extends KubernetesObject>(
    kind: ResourceKind,
    namespace?: string,
  ): T[] {
    return [...this.#cache(kind).list(namespace)] as T[];
  }

  get<T extends KubernetesObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
  ): T | undefined {
    return this.#cache(kind).get(namespace, name) as T | undefined;
  }

  statuses(): CacheStatus[] {
    return [...this.#caches.values()].map(c => c.status());
  }

  status(kind: ResourceKind): CacheStatus {
    return this.#cache(kind).status();
  }

  /** The age of the stalest cache among `kinds` (all by default). */
  age(kinds?: ResourceKind[]): CacheAge {
    const statuses = kinds ? kinds.map(k => this.status(k)) : this.statuses();
    const ageSeconds = Math.max(0, ...statuses.map(s => s.ageSeconds));
    const synced = statuses
      .map(s => s.syncedAt)
      .filter((s): s is string => !!s)
      .sort();
    return { ageSeconds, syncedAt: synced[0] };
  }

  #cache(kind: ResourceKind): ResourceCache<KubernetesObject> {
    const cache = this.#caches.get(kind.kind);
    if (!cache) throw new Error(`${kind.kind} is not watched`);
    return cache;
  }
}
