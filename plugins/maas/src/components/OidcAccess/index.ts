export { OidcAccess } from './OidcAccess';
