export { RequestKeyDialog } from './RequestKeyDialog';
export type { RequestKeyDialogProps } from './RequestKeyDialog';
