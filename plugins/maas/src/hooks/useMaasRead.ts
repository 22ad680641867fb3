import { useApi } from '@backstage/core-plugin-api';
import { DependencyList } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { MaasApi, maasApiRef } from '../api/MaasApi';

/** One read from the MaaS backend: again when one of `inputs` changes, or on `retry()`. */
export function useMaasRead<T>(
  read: (api: MaasApi) => Promise<T>,
  inputs: DependencyList,
) {
  const api = useApi(maasApiRef);
  // `read` is a new closure each render; what it reads is named by `inputs`.
  return useAsyncRetry(() => read(api), [api, ...inputs]);
}
