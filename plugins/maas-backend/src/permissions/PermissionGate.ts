import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';

/** The suite's permissions: basic ones, or resource permissions on a model's catalog entity. */
export type MaasPermission = BasicPermission | ResourcePermission;

/** A permission decision and why, in words a 403 can carry. */
export interface PermissionDecision {
  allowed: boolean;
  reason: string;
}

/** The reason a denial gives: the permission, and the entity when it is a resource permission. */
export function lackOf(permission: MaasPermission, resourceRef?: string) {
  return `You lack the ${permission.name} permission${
    resourceRef ? ` on ${resourceRef}` : ''
  }`;
}

/**
 * The one place routes authenticate callers and ask the permission framework, after
 * kubernetes-backend's `requirePermission`: every route of every router goes through it, and a
 * denial is a NotAllowedError naming the permission (and the entity).
 */
export class PermissionGate {
  readonly #httpAuth: HttpAuthService;
  readonly #permissions: PermissionsService;

  constructor(options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
  }) {
    this.#httpAuth = options.httpAuth;
    this.#permissions = options.permissions;
  }

  /** A signed-in user, or a backend service where `allow` says so. */
  async caller(
    req: Request,
    allow: Array<'user' | 'service'>,
  ): Promise<BackstageCredentials> {
    return this.#httpAuth.credentials(req, { allow });
  }

  /** A signed-in user and their entity ref; keys and requests belong to users. */
  async user(req: Request): Promise<{
    credentials: BackstageCredentials<BackstageUserPrincipal>;
    userRef: string;
  }> {
    const credentials = await this.#httpAuth.credentials(req, {
      allow: ['user'],
    });
    return { credentials, userRef: credentials.principal.userEntityRef };
  }

  async decide(
    credentials: BackstageCredentials,
    permission: MaasPermission,
    resourceRef?: string,
  ): Promise<PermissionDecision> {
    if (resourceRef) {
      const allowed = await this.allowedOn(
        credentials,
        permission as ResourcePermission,
        [resourceRef],
      );
      return this.#decision(allowed.has(resourceRef), permission, resourceRef);
    }
    const [decision] = await this.#permissions.authorize(
      [{ permission: permission as BasicPermission }],
      { credentials },
    );
    return this.#decision(
      decision.result === AuthorizeResult.ALLOW,
      permission,
    );
  }

  /** Throws NotAllowedError with the decision's reason unless `permission` is allowed. */
  async require(
    credentials: BackstageCredentials,
    permission: MaasPermission,
    resourceRef?: string,
  ): Promise<void> {
    const decision = await this.decide(credentials, permission, resourceRef);
    if (!decision.allowed) throw new NotAllowedError(decision.reason);
  }

  /** The entities among `entityRefs` on which `permission` is allowed: one batched call. */
  async allowedOn(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const unique = [...new Set(entityRefs)];
    if (unique.length === 0) return new Set();
    const decisions = await this.#permissions.authorize(
      unique.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      unique.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  #decision(
    allowed: boolean,
    permission: MaasPermission,
    resourceRef?: string,
  ): PermissionDecision {
    return {
      allowed,
      reason: allowed
        ? `The ${permission.name} permission is granted${
            resourceRef ? ` on ${resourceRef}` : ''
          }`
        : lackOf(permission, resourceRef),
    };
  }
}
