export { KeysPage } from './KeysPage';
export { KeysContent } from './KeysContent';
