/**
 * The MaaS backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { maasPlugin as default } from './plugin';
export {
  readMaasConfig,
  DEFAULT_TIERS,
  MaasConfigError,
} from './config/MaasConfig';
export type { MaasConfig, KeysConfig } from './config/MaasConfig';
export type { PricingConfig, Prices } from './config/pricingConfig';
export type { TeamBudget } from './config/budgetsConfig';
