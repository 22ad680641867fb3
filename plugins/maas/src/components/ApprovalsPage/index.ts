export { ApprovalsPage } from './ApprovalsPage';
export { ApprovalsContent } from './ApprovalsContent';
