import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { maasApiRef } from '../api/MaasApi';

/** A model's health, endpoint and examples: the first thing the Usage tab shows. */
export function useModel(entityRef: string) {
  const api = useApi(maasApiRef);
  return useAsyncRetry(() => api.getModel(entityRef), [api, entityRef]);
}
