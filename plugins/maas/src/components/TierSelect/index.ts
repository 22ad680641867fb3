export { TierSelect } from './TierSelect';
