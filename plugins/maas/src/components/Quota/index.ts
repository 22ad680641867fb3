export { QuotaCard } from './QuotaCard';
export { KeyQuotas } from './KeyQuotas';
export { TokenCheckLine } from './TokenCheckLine';
