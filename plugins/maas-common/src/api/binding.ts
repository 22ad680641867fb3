/**
 * `GET /models/by-entity/binding`: whether the model's InferenceService names this entity back.
 * Keys are requested, approved and usage read only for a bound entity.
 *
 * @public
 */
export interface EntityBinding {
  entityRef: string;
  /** `<namespace>/<name>` of the InferenceService the entity points at. */
  inferenceService: string;
  bound: boolean;
  /** Why not, in words the Usage tab shows, when not bound. */
  reason?: string;
  /** The model's owner as the InferenceService records it, when bound. */
  owner?: string;
  /** Whether the caller may adopt the model for this entity (admins, for a model nobody bound). */
  canAdopt: boolean;
  /** Whether the caller may see and revoke the model's keys made outside the portal (admins). */
  canSeeOutsideKeys?: boolean;
}

/**
 * `GET /models/by-entity/outside-keys`: an API-key Secret the model's AuthPolicy selects that the
 * portal did not issue (admins only, who may revoke it).
 *
 * @public
 */
export interface OutsideKey {
  namespace: string;
  name: string;
  /** Kuadrant's user id annotation, when the Secret has one. */
  userId?: string;
  /** Kuadrant's groups annotation (the tier), when the Secret has one. */
  groups?: string;
  createdAt?: string;
}
