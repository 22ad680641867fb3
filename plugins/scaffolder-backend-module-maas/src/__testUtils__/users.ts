/* The signed-in users of this package's tests, and a permission policy that decides per user. */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { maasModelCreatePermission } from '@maas-portal/plugin-maas-common';
import { readCreateRules } from '../config/readCreateRules';
import { modelManifestShape } from '../guard/manifestShape';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import { testDefaults } from './modelInputs';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TEST_ORG } from './catalogOrg';

export interface TestUser {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

const user = (name: string, group: string): TestUser => ({
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`, `group:default/${group}`],
});

/** A developer of team A, a developer of team B, and an admin of the platform team. */
export const users = {
  devA: user('alice', 'team-a'),
  devB: user('bob', 'team-b'),
  admin: user('ada', 'platform-team'),
};

/** Who holds `maas.model.create` in the tests' policy: team A and the admins; team B does not. */
const CREATORS = new Set([
  'group:default/team-a',
  'group:default/platform-team',
]);

const known = Object.values(users);
const infoOf = (credentials: BackstageCredentials) => {
  const ref = (credentials.principal as BackstageUserPrincipal).userEntityRef;
  const found = known.find(u => u.userEntityRef === ref);
  if (!found) throw new Error(`unknown test user ${ref}`);
  return found;
};

/**
 * The permission policy of the tests: decides `maas.model.create` by the user's groups, and allows
 * everything else (the scaffolder's own permissions), as the portal's example policy does.
 */
export const testPermissions: PermissionsService = {
  async authorize(requests, options) {
    return requests.map(({ permission }) => {
      if (permission.name !== maasModelCreatePermission.name) {
        return { result: AuthorizeResult.ALLOW };
      }
      const info = infoOf(options.credentials);
      return {
        result: info.ownershipEntityRefs.some(ref => CREATORS.has(ref))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }) as any;
  },
  async authorizeConditional(requests) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
  },
};

/** What the sign-in resolver would put in each user's token: their ref and their groups. */
export const testUserInfo: UserInfoService = {
  async getUserInfo(credentials) {
    return infoOf(credentials);
  },
};

/**
 * The tests' `maas.create` config: `llm` for everyone who may create, `team-a-models` for team A
 * and the admins, `team-b-models` for team B and the admins.
 */
export const testCreateConfig: JsonObject = {
  namespaces: [
    { namespace: 'llm' },
    {
      namespace: 'team-a-models',
      groups: ['group:default/team-a', 'group:default/platform-team'],
    },
    {
      namespace: 'team-b-models',
      groups: ['group:default/team-b', 'group:default/platform-team'],
    },
  ],
};

/** What Create model renders with the tests' config. */
const testShape = modelManifestShape(testDefaults);

/** The tests' Gateways: `inference-gateway` in each namespace models are made in (as on the harness). */
export const gatewaysOf = (namespaces: string[]) =>
  namespaces.map(namespace => ({ name: 'inference-gateway', namespace }));

/** The gate with the tests' users, policy and `maas.create` config (plus `overrides`). */
export function usersGate(
  overrides: JsonObject = {},
  cluster: JsonObject = {},
): ModelCreateGate {
  const create = { ...testCreateConfig, ...overrides };
  return new ModelCreateGate({
    permissions: testPermissions,
    userInfo: testUserInfo,
    rules: readCreateRules(
      new ConfigReader({
        maas: {
          create: {
            gateways: gatewaysOf(
              (create.namespaces as Array<{ namespace: string }>).map(
                n => n.namespace,
              ),
            ),
            ...create,
          },
          cluster,
        },
      }),
      { vllm: testDefaults.vllmImage, simulator: testDefaults.simulatorImage },
    ),
    shape: testShape,
    catalog: catalogServiceMock({ entities: TEST_ORG }),
  });
}

/** A gate that allows the mock user everything, for tests about something else. */
export function allowingGate(namespaces: string[] = ['llm']): ModelCreateGate {
  return new ModelCreateGate({
    permissions: mockServices.permissions(),
    userInfo: mockServices.userInfo(),
    rules: readCreateRules(
      new ConfigReader({
        maas: {
          create: {
            namespaces: namespaces.map(namespace => ({ namespace })),
            gateways: gatewaysOf(namespaces),
          },
        },
      }),
      { vllm: testDefaults.vllmImage, simulator: testDefaults.simulatorImage },
    ),
    shape: testShape,
    catalog: catalogServiceMock({ entities: TEST_ORG }),
  });
}

/** The part of an action context that says who started the task. */
export function initiatedBy(who: TestUser) {
  return {
    getInitiatorCredentials: async () =>
      mockCredentials.user(who.userEntityRef) as BackstageCredentials,
  };
}
