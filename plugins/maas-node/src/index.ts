/**
 * Node.js library of the MaaS plugin suite, for its backend plugin and its scaffolder and catalog
 * modules: how the suite finds and talks to the cluster, the kinds and CRD types it reads and
 * writes, the `maas.*` settings both backend packages read, and the tier predicate.
 *
 * @packageDocumentation
 */
export * from './kinds';
export * from './objects';
export * from './loadKubeConfig';
export * from './describeKubeError';
export * from './readClusterConfig';
export * from './readPlatformConfig';
export * from './kubernetesPluginCluster';
export * from './MaasConfigError';
export * from './tierPredicate';
export * from './impersonate';
export * from './modelKeySelector';
export * from './keyExpiryRule';
export { withTimeout } from './withTimeout';
export * from './portalPolicyRules';
