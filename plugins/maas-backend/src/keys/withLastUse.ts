import { LoggerService } from '@backstage/backend-plugin-api';
import { ApiKey, parseObjectRef } from '@maas-portal/plugin-maas-common';
import { ModelService } from '../models/ModelService';
import { UsageService } from '../usage/UsageService';
import { gatewayUserId } from './gatewayUserId';

/**
 * Fills in `lastUsedAt` of keys: the last call of the key's user on the key's model, from
 * Limitador's metrics (keys of one user share the user id the gateway counts by). Keys stay as
 * they are when Prometheus, the model's route or per-user labels are missing.
 */
export function createLastUseLookup(options: {
  models?: ModelService;
  usage: UsageService;
  logger: LoggerService;
}): (keys: ApiKey[]) => Promise<ApiKey[]> {
  const { models, usage, logger } = options;
  return async keys => {
    if (!models || keys.length === 0) return keys;
    const routeOf = new Map<string, string | undefined>();
    const pairs: Array<{
      key: ApiKey;
      user: string;
      limitadorNamespace: string;
    }> = [];
    for (const key of keys) {
      if (!routeOf.has(key.model)) {
        const ref = parseObjectRef(key.model);
        routeOf.set(
          key.model,
          ref ? models.limitadorNamespaceOf(ref) : undefined,
        );
      }
      const limitadorNamespace = routeOf.get(key.model);
      if (limitadorNamespace)
        pairs.push({
          key,
          user: gatewayUserId(key.userEntityRef),
          limitadorNamespace,
        });
    }
    let lastCalls: Map<string, number>;
    try {
      lastCalls = await usage.lastCalls(pairs);
    } catch (error) {
      logger.warn(`Last use of keys not shown: ${(error as Error).message}`);
      return keys;
    }
    return keys.map(key => {
      const pair = pairs.find(p => p.key === key);
      const seconds =
        pair && lastCalls.get(`${pair.user}|${pair.limitadorNamespace}`);
      return seconds
        ? { ...key, lastUsedAt: new Date(seconds * 1000).toISOString() }
        : key;
    });
  };
}
