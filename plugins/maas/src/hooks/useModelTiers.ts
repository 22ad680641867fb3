import { useMaasRead } from './useMaasRead';

/** The limits in force on a model, per tier. */
export function useModelTiers(entityRef: string) {
  return useMaasRead(api => api.getModelTiers(entityRef), [entityRef]);
}
