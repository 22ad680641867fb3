export { CostsPage } from './CostsPage';
export { CostsContent } from './CostsContent';
