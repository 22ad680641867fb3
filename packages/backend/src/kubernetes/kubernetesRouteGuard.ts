import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AUTH_POLICY,
  HTTP_ROUTE,
  INFERENCE_SERVICE,
  RATE_LIMIT_POLICY,
  TOKEN_RATE_LIMIT_POLICY,
} from '@maas-portal/plugin-maas-node';
import express from 'express';
import Router from 'express-promise-router';

/** One kind of a custom query, as the Kubernetes plugin's route takes it. */
export interface QueriedKind {
  group: string;
  apiVersion: string;
  plural: string;
}

/**
 * What a model's Kubernetes tab shows: its own objects and the workloads KServe makes for it.
 * Matched exactly (group, version and plural), since the plugin puts `apiVersion` into the URL
 * path unchecked.
 */
export const TAB_KINDS: QueriedKind[] = [
  ...[
    INFERENCE_SERVICE,
    HTTP_ROUTE,
    AUTH_POLICY,
    RATE_LIMIT_POLICY,
    TOKEN_RATE_LIMIT_POLICY,
  ].map(k => ({ group: k.group, apiVersion: k.version, plural: k.plural })),
  { group: '', apiVersion: 'v1', plural: 'pods' },
  { group: '', apiVersion: 'v1', plural: 'services' },
  { group: 'apps', apiVersion: 'v1', plural: 'deployments' },
  { group: 'apps', apiVersion: 'v1', plural: 'replicasets' },
];

const nameOf = (k: QueriedKind) =>
  `${k.plural}${k.group ? `.${k.group}` : ''}/${k.apiVersion}`;

const isTabKind = (k: QueriedKind) =>
  TAB_KINDS.some(
    t =>
      t.group === k.group &&
      t.apiVersion === k.apiVersion &&
      t.plural === k.plural,
  );

/** The kinds of a custom query's body, each checked to be three strings. */
function queriedKinds(body: unknown): QueriedKind[] {
  const list = (body as { customResources?: unknown })?.customResources;
  if (!Array.isArray(list) || list.length === 0)
    throw new InputError(
      'customResources must be a non-empty list of {group, apiVersion, plural}',
    );
  return list.map((item, index) => {
    const k = item as Partial<QueriedKind>;
    if (
      typeof k?.group !== 'string' ||
      typeof k.apiVersion !== 'string' ||
      typeof k.plural !== 'string'
    )
      throw new InputError(
        `customResources[${index}] must have the strings group ('' for core), apiVersion and plural`,
      );
    return { group: k.group, apiVersion: k.apiVersion, plural: k.plural };
  });
}

/** Request headers that would make the API server take the call for someone else's. */
const isImpersonationHeader = (name: string) =>
  name.toLowerCase().startsWith('impersonate-');

/**
 * The Kubernetes plugin's routes behind two guards, then its own router:
 *
 * - `POST /resources/custom/query` takes any kind from its body and lists it with the plugin's
 *   credentials in the entity's namespace. Kinds outside {@link TAB_KINDS} need
 *   `kubernetes.proxy` (admins in the portal's policy): the proxy reaches the same objects, so no
 *   one gains by it, and everyone else cannot make the route list Secrets, ConfigMaps or
 *   ServiceAccounts.
 * - `/proxy` forwards the client's headers to the API server with the plugin's token; client
 *   `Impersonate-*` headers would borrow whatever impersonation that account has, so they are
 *   dropped: the proxy acts as the plugin's account, nobody else.
 */
export function guardKubernetesRoutes(options: {
  inner: express.Router;
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { inner, permissions, httpAuth } = options;
  const router = Router();
  router.use('/proxy', (req, _res, next) => {
    for (const name of Object.keys(req.headers))
      if (isImpersonationHeader(name)) delete req.headers[name];
    next();
  });
  router.post(
    '/resources/custom/query',
    express.json(),
    async (req, _res, next) => {
      const outside = queriedKinds(req.body).filter(k => !isTabKind(k));
      if (outside.length > 0) {
        const [decision] = await permissions.authorize(
          [{ permission: kubernetesProxyPermission }],
          { credentials: await httpAuth.credentials(req) },
        );
        if (decision.result !== AuthorizeResult.ALLOW)
          throw new NotAllowedError(
            `The Kubernetes tab may list only ${TAB_KINDS.map(nameOf).join(
              ', ',
            )}; ${outside
              .map(nameOf)
              .join(
                ', ',
              )} needs the kubernetes.proxy permission (admins): ask an admin of the portal`,
          );
      }
      next();
    },
  );
  router.use(inner);
  return router;
}
