/**
 * Registers models applied by the MaaS portal in the catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleMaasModels as default } from './module';
export { MaasModelEntityProvider } from './MaasModelEntityProvider';
