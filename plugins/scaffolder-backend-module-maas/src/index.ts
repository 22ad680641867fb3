/**
 * Scaffolder actions of the MaaS suite: render and apply a model with its route and policies.
 *
 * @packageDocumentation
 */
export { scaffolderModuleMaas as default } from './module';
export { createMaasActions } from './actions';
