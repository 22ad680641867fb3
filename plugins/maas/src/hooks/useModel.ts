import { useMaasRead } from './useMaasRead';

/** A model's health, endpoint and examples: the first thing the Usage tab shows. */
export function useModel(entityRef: string) {
  return useMaasRead(api => api.getModel(entityRef), [entityRef]);
}
