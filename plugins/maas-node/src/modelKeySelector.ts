import {
  KUADRANT_KEY_SECRET,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';

/**
 * The model a key is for: its InferenceService, and that object's UID when it is known.
 *
 * @public
 */
export interface KeyModelRef {
  namespace: string;
  name: string;
  uid?: string;
}

/**
 * The labels by which a model's AuthPolicy selects its key Secrets, and which the portal writes
 * on every key Secret of that model: written and read here only, so that the two cannot drift.
 * The model's namespace and name tell models apart; the InferenceService's UID tells a model from
 * an earlier one of the same name, so a re-created model never accepts the old model's keys.
 * Without a UID (an AuthPolicy rendered before the InferenceService exists) the selector matches
 * every key of that namespace/name, and the portal's key task revokes keys of a gone model.
 *
 * @public
 */
export function modelKeySelector(model: KeyModelRef): Record<string, string> {
  return {
    [MAAS_KEY_LABELS.model]: model.name,
    [MAAS_KEY_LABELS.modelNamespace]: model.namespace,
    ...(model.uid ? { [MAAS_KEY_LABELS.modelUid]: model.uid } : {}),
    [KUADRANT_KEY_SECRET.authSecretLabel]: 'true',
  };
}

/**
 * The model a key Secret's labels name, or undefined for a Secret of the old layout.
 *
 * @public
 */
export function keyModelOf(
  labels: Record<string, string> | undefined,
): Required<KeyModelRef> | undefined {
  const name = labels?.[MAAS_KEY_LABELS.model];
  const namespace = labels?.[MAAS_KEY_LABELS.modelNamespace];
  const uid = labels?.[MAAS_KEY_LABELS.modelUid];
  return name && namespace && uid ? { namespace, name, uid } : undefined;
}
