export { ErrorAlert, errorMessage, errorStatus } from './ErrorAlert';
export type { ErrorAlertProps } from './ErrorAlert';
export { WarningAlerts } from './WarningAlerts';
export { prometheusUnavailableTitle } from './prometheusUnavailable';
