import { TierDefinition } from '../tiers';
import { ObjectRef } from '../entity';

/**
 * How the portal reaches one outside piece (the cluster, Prometheus).
 *
 * @public
 */
export type ConnectionState = 'connected' | 'not-configured' | 'unreachable';

/** @public */
export interface ConnectionStatus {
  state: ConnectionState;
  /** One sentence for a person: what is wrong and what to do next, or what is connected. */
  message: string;
}

/**
 * `GET /api/maas/status`: what the suite is connected to and how it is configured. The API server
 * URL (`server`), the kubeconfig path and the Prometheus URL (`url`) are for admins
 * (`maas.adminGroups`) only: others get no `server`/`url` and `[shown to admins]` in messages.
 *
 * @public
 */
export interface MaasStatus {
  cluster: ConnectionStatus & { server?: string; version?: string };
  prometheus: ConnectionStatus & { url?: string };
  namespace: string;
  gateway: ObjectRef;
  domainSuffix: string;
  tiers: TierDefinition[];
}
