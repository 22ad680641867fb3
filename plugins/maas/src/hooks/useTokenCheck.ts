import { useMaasRead } from './useMaasRead';

/** Whether Limitador counts a model's tokens (needs maas.usage.read-all). */
export function useTokenCheck(entityRef: string) {
  return useMaasRead(async api => api.getTokenCheck(entityRef), [entityRef]);
}
