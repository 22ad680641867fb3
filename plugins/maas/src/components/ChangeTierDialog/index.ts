export { ChangeTierDialog } from './ChangeTierDialog';
export type { ChangeTierDialogProps } from './ChangeTierDialog';
