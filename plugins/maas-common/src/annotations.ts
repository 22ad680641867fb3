/**
 * Annotation keys, label keys and catalog type strings of the MaaS suite. Every other package
 * reads them from here, so that renaming one touches one place.
 */

/**
 * Catalog annotation: `<namespace>/<name>` of the model's KServe InferenceService.
 *
 * @public
 */
export const MAAS_INFERENCE_SERVICE_ANNOTATION =
  'maas.kuadrant.io/inference-service';
/**
 * Catalog annotation: `<namespace>/<name>` of the model's Gateway API HTTPRoute.
 *
 * @public
 */
export const MAAS_HTTP_ROUTE_ANNOTATION = 'maas.kuadrant.io/http-route';
/**
 * Catalog annotation: the model's public host name, e.g. `qwen3.maas.local`.
 *
 * @public
 */
export const MAAS_HOSTNAME_ANNOTATION = 'maas.kuadrant.io/hostname';
/**
 * Catalog annotation: how clients authenticate, `api-key` or `oidc`.
 *
 * @public
 */
export const MAAS_AUTH_MODE_ANNOTATION = 'maas.kuadrant.io/auth-mode';

/**
 * InferenceService annotation: the model's catalog entities as JSON, when the portal applied the
 * model itself (no repository). The catalog module of the suite registers them from the cluster.
 *
 * @public
 */
export const MAAS_CATALOG_ENTITIES_ANNOTATION =
  'maas.kuadrant.io/catalog-entities';

/**
 * InferenceService annotation: the catalog entity ref this model is (e.g. `component:llm/qwen3`),
 * written by Create model or by an admin's Adopt. Keys are requested, approved and their usage
 * read only through the entity the InferenceService names back.
 *
 * @public
 */
export const MAAS_BOUND_ENTITY_ANNOTATION = 'maas.kuadrant.io/entity-ref';
/**
 * InferenceService annotation: the model's owner (a group or user entity ref), who decides its key
 * requests besides `maas.adminGroups`. The cluster object says so, not a catalog entity.
 *
 * @public
 */
export const MAAS_MODEL_OWNER_ANNOTATION = 'maas.kuadrant.io/model-owner';

/**
 * Group annotation: the group's team leads, comma-separated user entity refs (`user:default/alice`,
 * or `alice` for the default namespace). They see the Costs of the group and its child groups.
 *
 * @public
 */
export const MAAS_TEAM_LEADS_ANNOTATION = 'maas.kuadrant.io/team-leads';

/**
 * Component `spec.type` of a running model server (the prior art of Red Hat Developer Hub).
 *
 * @public
 */
export const MODEL_SERVER_COMPONENT_TYPE = 'model-server';
/**
 * API `spec.type` of the OpenAI-compatible endpoint a model server provides.
 *
 * @public
 */
export const OPENAI_API_TYPE = 'openai';
/**
 * Resource `spec.type` of a model (weights) in the catalog.
 *
 * @public
 */
export const AI_MODEL_RESOURCE_TYPE = 'ai-model';

/**
 * Field manager and `app.kubernetes.io/managed-by` value of everything the suite writes.
 *
 * @public
 */
export const MAAS_FIELD_MANAGER = 'maas-backstage';

/**
 * Labels the suite puts on API-key Secrets, so that it can find its own.
 *
 * @public
 */
export const MAAS_KEY_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  model: 'maas.kuadrant.io/model',
  owner: 'maas.kuadrant.io/owner',
  requestId: 'maas.kuadrant.io/key-request',
  /** The key's id, so that a Secret leads to its database row. */
  keyId: 'maas.kuadrant.io/key-id',
  /** The namespace of the model's InferenceService (key Secrets live in the keys namespace). */
  modelNamespace: 'maas.kuadrant.io/model-namespace',
  /** The UID of the model's InferenceService: a model deleted and made again has another one. */
  modelUid: 'maas.kuadrant.io/model-uid',
  /**
   * The portal install that wrote the Secret (the id its key database holds): portals sharing the
   * keys namespace each reconcile only their own. No AuthPolicy selects by it.
   */
  install: 'maas.kuadrant.io/install',
} as const;

/**
 * Annotations the suite puts on API-key Secrets.
 *
 * @public
 */
export const MAAS_KEY_ANNOTATIONS = {
  /** The owner's full user entity ref (Kuadrant's user-id annotation has only its name). */
  userEntityRef: 'maas.kuadrant.io/user-entity-ref',
  /** The model's catalog entity ref. */
  entityRef: 'maas.kuadrant.io/entity-ref',
} as const;

/**
 * What Kuadrant's Authorino reads on an API-key Secret (see the suite's FACTS).
 *
 * @public
 */
export const KUADRANT_KEY_SECRET = {
  dataKey: 'api_key',
  appLabel: 'app',
  authSecretLabel: 'kuadrant.io/auth-secret',
  managedByAuthorinoLabel: 'authorino.kuadrant.io/managed-by',
  groupsAnnotation: 'kuadrant.io/groups',
  userIdAnnotation: 'secret.kuadrant.io/user-id',
  /** When the key expires (RFC 3339), as Kuadrant's developer portal writes it; the AuthPolicy refuses it after. */
  expiresAtAnnotation: 'secret.kuadrant.io/expires-at',
} as const;
