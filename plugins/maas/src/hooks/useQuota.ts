import { useMaasRead } from './useMaasRead';

/**
 * What the signed-in user has left of each limit of their keys' tiers on a model; read again when
 * `refresh` changes (e.g. after a call from the playground).
 */
export function useQuota(entityRef: string, refresh = 0) {
  return useMaasRead(
    async api => api.getModelQuota(entityRef),
    [entityRef, refresh],
  );
}
