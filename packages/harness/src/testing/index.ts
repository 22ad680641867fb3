/* Helpers for the tests of every package that run inside the harness (`@maas-portal/harness/testing`). */
export { harnessEnv, harnessMetrics } from './harnessEnv.ts';
export { countedInWindow, selectSeries } from '../metrics/queries.ts';
export {
  createTestNamespace,
  deleteTestNamespace,
  grantLimitedUser,
  harnessKubeConfig,
  kubernetesClusterLocators,
  serverSideApply,
  untilAuthorized,
} from './cluster.ts';
export { useTestNamespace } from './testNamespace.ts';
export { apiRefusal } from './apiRefusal.ts';
export { eventually } from './eventually.ts';
export { promNumber, promVector } from './prometheusQuery.ts';
export { acquireHarnessLock } from './harnessLock.ts';
export { restartServer, startServer, stopServer } from './serverControl.ts';
export type { HarnessServer } from './serverControl.ts';
export { openApiRoutes } from './openApiRoutes.ts';
export {
  callModel,
  chatBody,
  limitadorCounters,
  limitadorLoadedLimits,
  waitForGateway,
} from './gateway.ts';
export type {
  CallModelRequest,
  CallModelResponse,
  LimitadorCounter,
} from './gateway.ts';
export { parseCsv } from './parseCsv.ts';
export { backstageOidcSignIn, jwtClaims, oidcSignIn } from '../oidc/signIn.ts';
export type { BackstageSignInResult, OidcTokens } from '../oidc/signIn.ts';
export { OIDC_USERS, oidcUser } from '../oidc/users.ts';
export type { OidcUser } from '../oidc/users.ts';
export {
  BACKSTAGE_CLIENT_ID,
  MODELS_CLIENT_ID,
  MODELS_RESOURCE,
  SHORT_LIVED_CLIENT_ID,
  SHORT_TOKEN_SECONDS,
} from '../oidc/clients.ts';
export {
  applyManifests,
  deleteManifests,
  readManifests,
  serviceAccountKubeconfig,
} from './serviceAccountKubeconfig.ts';
export type { ServiceAccountCredentials } from './serviceAccountKubeconfig.ts';
export {
  KUBERNETES_READER,
  kubernetesReaderCredentials,
  kubernetesReaderManifests,
} from './kubernetesReader.ts';
export {
  apiKeyAuthentication,
  GATEWAY_REF,
  httpGatewaySpec,
  httpRouteRef,
  namespaceGateway,
  routeAuthPolicy,
  vllmInferenceServiceSpec,
} from './fixtures.ts';
export {
  authConfigHostForRoute,
  authConfigsForRoute,
  authorize,
  limitadorLimits,
  managedAuthConfigs,
  waitForPolicy,
} from '../kuadrant/testApi.ts';
export type {
  AuthorizeRequest,
  AuthorizeResult,
  LimitadorLimit,
  PolicyKind,
  RouteRuleAuthConfig,
} from '../kuadrant/testApi.ts';
