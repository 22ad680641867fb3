import { parseEntityRef } from '@backstage/catalog-model';

/**
 * The id the gateway knows a Backstage user by: the name of their user entity
 * (`user:default/jane.doe` → `jane.doe`). It is written on their key Secrets as
 * `secret.kuadrant.io/user-id`, so Authorino reports it as `auth.identity.userid`, Limitador
 * counts per it, and a TelemetryPolicy puts it in the `user` label of the metrics.
 */
export function gatewayUserId(userEntityRef: string): string {
  return parseEntityRef(userEntityRef).name;
}
