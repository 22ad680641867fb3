export { KeyReveal, KeyRevealContent, KeyRevealDialog } from './KeyReveal';
