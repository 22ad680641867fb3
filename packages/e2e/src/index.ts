export { startPortal } from './startPortal';
export type { Portal } from './startPortal';
