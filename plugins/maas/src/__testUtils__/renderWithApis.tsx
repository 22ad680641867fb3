import { identityApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { MaasApi, maasApiRef } from '../api/MaasApi';
import { entity } from './fixtures';

export interface RenderOptions {
  /** Permission names to deny; everything else is allowed. */
  deny?: string[];
  /** Wrap in an EntityProvider with the test model entity. */
  withEntity?: boolean;
  /** The signed-in user; the fixtures' owner, alice, unless told. */
  userEntityRef?: string;
}

/** Renders an element in a test app with a fake MaasApi, a permission API and a signed-in user. */
export function renderWithApis(
  element: ReactElement,
  api: Partial<MaasApi>,
  options: RenderOptions = {},
) {
  const deny = new Set(options.deny ?? []);
  const permissionApi = mockApis.permission({
    authorize: request =>
      deny.has(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  const userEntityRef = options.userEntityRef ?? 'user:default/alice';
  const identityApi = mockApis.identity({
    userEntityRef,
    ownershipEntityRefs: [userEntityRef],
  });
  // usePermission caches decisions in SWR's global cache; each render gets its own.
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [maasApiRef, api],
          [permissionApiRef, permissionApi],
          [identityApiRef, identityApi],
        ]}
      >
        {options.withEntity ? (
          <EntityProvider entity={entity}>{element}</EntityProvider>
        ) : (
          element
        )}
      </TestApiProvider>
    </SWRConfig>,
    // Model columns link to the model's catalog page.
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** A promise that never settles: the component stays loading. */
export const never = <T,>(): Promise<T> => new Promise<T>(() => {});
