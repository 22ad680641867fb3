export { UsageTab } from './UsageTab';
