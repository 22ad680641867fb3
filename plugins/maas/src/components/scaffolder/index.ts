export { ModelNameField } from './ModelNameField';
export { TierLimitsField } from './TierLimitsField';
export { modelNameFormField, tierLimitsFormField } from './fields';
