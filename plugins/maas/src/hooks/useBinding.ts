import { useMaasRead } from './useMaasRead';

/** Whether the model's InferenceService names this entity back: the Usage tab offers keys and usage only then. */
export function useBinding(entityRef: string) {
  return useMaasRead(api => api.getBinding(entityRef), [entityRef]);
}
