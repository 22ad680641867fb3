import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { maasApiRef } from '../api/MaasApi';

/** The limits in force on a model, per tier. */
export function useModelTiers(entityRef: string) {
  const api = useApi(maasApiRef);
  return useAsyncRetry(() => api.getModelTiers(entityRef), [api, entityRef]);
}
