export { ModelsPage } from './ModelsPage';
export { ModelsContent } from './ModelsContent';
export { ModelsSummary } from './ModelsSummary';
