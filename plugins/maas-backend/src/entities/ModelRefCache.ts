import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntityModelRef } from './ModelRef';
import { readModelRef } from './readModelRef';

const MAX_ENTRIES = 5000;

/**
 * The entity cache: entities read as models from the catalog ({@link readModelRef}), each answer
 * reused for a few seconds, as a page load asks for the same entity several times. The key holds
 * the caller, because what the catalog lets one see depends on who asks.
 */
export class ModelRefCache {
  readonly #catalog: CatalogService;
  readonly #ttlMs: number;
  readonly #cache = new Map<
    string,
    { expires: number; value: Promise<EntityModelRef> }
  >();

  constructor(options: { catalog: CatalogService; ttlSeconds: number }) {
    this.#catalog = options.catalog;
    this.#ttlMs = options.ttlSeconds * 1000;
  }

  read(
    entityRef: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityModelRef> {
    const principal = credentials.principal as {
      userEntityRef?: string;
      subject?: string;
    };
    const key = `${
      principal.userEntityRef ?? principal.subject ?? 'none'
    }|${stringifyEntityRef(entityRef)}`;
    const now = Date.now();
    const hit = this.#cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (this.#cache.size >= MAX_ENTRIES) {
      for (const [k, entry] of this.#cache)
        if (entry.expires <= now) this.#cache.delete(k);
      if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
    }
    const value = readModelRef(this.#catalog, entityRef, credentials);
    this.#cache.set(key, { expires: now + this.#ttlMs, value });
    value.catch(() => this.#cache.delete(key));
    return value;
  }
}
