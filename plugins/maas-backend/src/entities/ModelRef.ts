import { ObjectRef } from '@maas-portal/plugin-maas-common';

/**
 * Which model to show: the InferenceService (and HTTPRoute) an entity's annotations point at, or
 * an InferenceService alone. The one name for "the model an entity stands for".
 */
export interface ModelRef {
  inferenceService: ObjectRef;
  route?: ObjectRef;
  entityRef?: string;
}

/** A {@link ModelRef} read from a catalog entity, so the entity is known. */
export type EntityModelRef = ModelRef & { entityRef: string };
