export { RequestKeyDialog } from './RequestKeyDialog';
export type { RequestKeyDialogProps, TierChoice } from './RequestKeyDialog';
