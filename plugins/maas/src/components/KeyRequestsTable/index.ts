export { KeyRequestsTable, requesterView } from './KeyRequestsTable';
export type { KeyRequestsTableProps } from './KeyRequestsTable';
export { ActorName } from './ActorName';
export { decisionHeadline, RequestDecision } from './RequestDecision';
