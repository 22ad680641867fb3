export { KeyRequestsTable } from './KeyRequestsTable';
export type { KeyRequestsTableProps } from './KeyRequestsTable';
