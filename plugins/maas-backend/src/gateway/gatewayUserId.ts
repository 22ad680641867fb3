import { DEFAULT_NAMESPACE, parseEntityRef } from '@backstage/catalog-model';

/**
 * The id the gateway knows a Backstage user by, unique across catalog namespaces: the entity
 * name for a user of the default namespace (`user:default/jane` → `jane`, the id keys issued
 * before had, so their counters and usage go on), `<namespace>/<name>` for any other
 * (`user:team-a/jane` → `team-a/jane`); an entity name holds no `/`, so no two users share one.
 * It is written on key Secrets as `secret.kuadrant.io/user-id`, so Authorino reports it as
 * `auth.identity.userid`, Limitador counts per it, and a TelemetryPolicy puts it in the `user`
 * label of the metrics, where any string is valid.
 */
export function gatewayUserId(userEntityRef: string): string {
  const { namespace, name } = parseEntityRef(userEntityRef);
  return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
}
