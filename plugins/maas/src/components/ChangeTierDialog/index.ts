export { ChangeTierDialog, configuredTierChoices } from './ChangeTierDialog';
export type { ChangeTierDialogProps } from './ChangeTierDialog';
