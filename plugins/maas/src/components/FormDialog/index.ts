export { DialogOutcome, FormDialog, SentNotice } from './FormDialog';
export type { FormDialogProps } from './FormDialog';
export { DialogButtons } from './DialogButtons';
export type { DialogButtonsProps } from './DialogButtons';
export { useSubmission } from './useSubmission';
export { ReasonField } from './ReasonField';
