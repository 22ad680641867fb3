import { LoggerService } from '@backstage/backend-plugin-api';
import { ApiKey, parseObjectRef } from '@maas-portal/plugin-maas-common';
import { ModelReader } from '../entities/ModelReader';
import { UsageService } from './UsageService';
import { gatewayUserId } from '../gateway/gatewayUserId';

/** How far back the metrics are asked for a last call (UsageService.lastCalls). */
const LOOKED_BACK = '7 days';

/**
 * Fills in `lastUsedAt` of keys: the last call of the key's user on the key's model, from
 * Limitador's metrics, and says in `lastUse` / `lastUseNote` what an empty one means. The gateway
 * counts per user (`secret.kuadrant.io/user-id`), not per key: a user's keys for one model share
 * their last use. Keys stay without a verdict when the portal has no Prometheus.
 */
export function createLastUseLookup(options: {
  models?: Pick<ModelReader, 'limitadorNamespaceOf'>;
  usage: UsageService;
  logger: LoggerService;
  /** Whether `maas.prometheus.url` is set: without it nothing can be known. */
  metrics?: boolean;
}): (keys: ApiKey[]) => Promise<ApiKey[]> {
  const { models, usage, logger, metrics = true } = options;
  return async keys => {
    if (!models || !metrics || keys.length === 0) return keys;
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
    let unlabelled: Set<string>;
    try {
      [lastCalls, unlabelled] = await Promise.all([
        usage.lastCalls(pairs),
        usage.routesWithoutUserLabels(pairs.map(p => p.limitadorNamespace)),
      ]);
    } catch (error) {
      logger.warn(`Last use of keys not shown: ${(error as Error).message}`);
      return keys.map(key => ({
        ...key,
        lastUse: 'unknown',
        lastUseNote: 'The metrics could not be read just now.',
      }));
    }
    return keys.map((key): ApiKey => {
      const pair = pairs.find(p => p.key === key);
      if (!pair) {
        return {
          ...key,
          lastUse: 'unknown',
          lastUseNote:
            'The model has no HTTPRoute, so the gateway counts no calls for it.',
        };
      }
      const seconds = lastCalls.get(`${pair.user}|${pair.limitadorNamespace}`);
      const perUser = `The gateway counts calls per user (${pair.user}), not per key: your keys for this model share it.`;
      if (!seconds && unlabelled.has(pair.limitadorNamespace)) {
        return {
          ...key,
          lastUse: 'unknown',
          lastUseNote: `Limitador's metrics for ${pair.limitadorNamespace} carry no user labels, so nobody's last call is known. A TelemetryPolicy on the Gateway adds them (Kuadrant 1.3+).`,
        };
      }
      return seconds
        ? {
            ...key,
            lastUsedAt: new Date(seconds * 1000).toISOString(),
            lastUse: 'seen',
            lastUseNote: perUser,
          }
        : {
            ...key,
            lastUse: 'not-seen',
            lastUseNote: `No call by ${pair.user} on this model in the metrics of the last ${LOOKED_BACK}. ${perUser}`,
          };
    });
  };
}
