export { KeyReveal, KeyRevealDialog } from './KeyReveal';
