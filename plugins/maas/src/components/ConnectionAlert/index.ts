export { ConnectionAlert } from './ConnectionAlert';
