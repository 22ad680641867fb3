/**
 * The MaaS frontend plugin: the Usage tab on model entities, My API keys and Approvals.
 *
 * @packageDocumentation
 */
export {
  maasPlugin,
  EntityMaasUsageContent,
  EntityMaasModelCard,
  MaasModelsPage,
  MaasModelsSummary,
  MaasKeysPage,
  MaasApprovalsPage,
  MaasCostsPage,
} from './plugin';
export {
  MaasModelNameFieldExtension,
  MaasTiersFieldExtension,
} from './scaffolderFieldExtensions';
export { maasApiRef } from './api/MaasApi';
export type {
  MaasApi,
  ModelDetails,
  UsageQuery,
  KeyQuery,
  KeyRequestQuery,
  AuditQuery,
  CostQuery,
  Page,
  PageQuery,
} from './api/MaasApi';
export type { ChatUsage, PlaygroundResult } from './api/chatStream';
export type { TierLimitsRow } from './components/scaffolder/tierLimitProblems';
export { MaasClient } from './api/MaasClient';
export { isMaasAvailable } from '@maas-portal/plugin-maas-common';
