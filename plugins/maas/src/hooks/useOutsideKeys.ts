import { useMaasRead } from './useMaasRead';

/** A model's API keys made outside the portal (admins only). */
export function useOutsideKeys(entityRef: string) {
  return useMaasRead(api => api.listOutsideKeys(entityRef), [entityRef]);
}
