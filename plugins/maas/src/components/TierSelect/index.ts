export { TierSelect } from './TierSelect';
export { tierChoices } from './tierChoices';
export type { TierChoice } from './tierChoices';
