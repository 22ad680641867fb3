import { useMaasRead } from './useMaasRead';

/** What the signed-in user has left of each limit of their keys' tiers on a model. */
export function useQuota(entityRef: string) {
  return useMaasRead(async api => api.getModelQuota(entityRef), [entityRef]);
}
