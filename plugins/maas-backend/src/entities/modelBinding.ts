import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { InferenceService } from '@maas-portal/plugin-maas-node';

/** What the cluster says about an entity and the model it points at. */
export type ModelBinding =
  | { bound: true; owner?: string; uid?: string }
  | {
      bound: false;
      reason: string;
      /** Set when no entity is named at all: an admin may adopt the model. */
      adoptable: boolean;
      /** The entity the InferenceService names instead, when it names another. */
      boundTo?: string;
    };

/**
 * Whether `isvc` (what `entityRef` points at, `<namespace>/<name>`) names `entityRef` back in its
 * {@link MAAS_BOUND_ENTITY_ANNOTATION}. A catalog entity alone proves nothing: anyone who may
 * register one can point it at any model; only the cluster object says which entity a model is.
 */
export function bindingOf(
  isvc: InferenceService | undefined,
  entityRef: string,
  isvcRef: string,
): ModelBinding {
  if (!isvc) {
    return {
      bound: false,
      adoptable: false,
      reason: `${entityRef} points at the InferenceService ${isvcRef}, which is not on the cluster`,
    };
  }
  const annotations = isvc.metadata.annotations ?? {};
  const named = annotations[MAAS_BOUND_ENTITY_ANNOTATION];
  if (!named) {
    return {
      bound: false,
      adoptable: true,
      reason: `The InferenceService ${isvcRef} names no catalog entity (annotation ${MAAS_BOUND_ENTITY_ANNOTATION}): it was deployed outside the portal. An admin can adopt it for ${entityRef}.`,
    };
  }
  if (named !== entityRef) {
    return {
      bound: false,
      adoptable: false,
      boundTo: named,
      reason: `The InferenceService ${isvcRef} belongs to ${named}, not to ${entityRef}: keys and usage of the model are on ${named}`,
    };
  }
  return {
    bound: true,
    owner: annotations[MAAS_MODEL_OWNER_ANNOTATION] || undefined,
    uid: isvc.metadata.uid,
  };
}
