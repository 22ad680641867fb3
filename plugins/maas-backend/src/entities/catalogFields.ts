/**
 * The catalog fields that name an entity and carry the annotations the portal reads (a model's
 * InferenceService and HTTPRoute, a Group's team leads): asked for instead of whole entities, so a
 * catalog read stays small however large the entities are.
 */
export const REF_AND_ANNOTATIONS_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];
