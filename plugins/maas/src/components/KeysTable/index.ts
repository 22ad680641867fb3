export { KeysTable } from './KeysTable';
export type { KeysTableProps } from './KeysTable';
export { KeyStateLabel } from './KeyStateLabel';
