import {
  createFormField,
  FormFieldExtensionData,
} from '@backstage/plugin-scaffolder-react/alpha';
import { modelNameProblem } from '@maas-portal/plugin-maas-common';
import { ModelNameField } from './ModelNameField';
import { TierLimitsField } from './TierLimitsField';
import { tierLimitProblems, TierLimitsRow } from './tierLimitProblems';

type FieldValidation = Parameters<
  NonNullable<FormFieldExtensionData['validation']>
>[1];

/**
 * The checks of the "Create model" template's own fields, shared by the new frontend system's
 * form fields below and the legacy field extensions (scaffolderFieldExtensions.ts). They run as
 * the user types and again when the step is left; the scaffolder actions check everything once
 * more on the server.
 */
export function validateModelName(name: string, field: FieldValidation) {
  const problem = modelNameProblem(name);
  if (problem) field.addError(problem);
}

// The portal's tiers are checked as typed and by the render step; here, what needs no request.
export function validateTierLimits(
  rows: TierLimitsRow[],
  field: FieldValidation,
) {
  tierLimitProblems(rows ?? [], undefined).forEach((problems, i) =>
    Object.entries(problems).forEach(([path, message]) =>
      field.addError(`Tier ${i + 1}, ${path}: ${message}`),
    ),
  );
}

export const modelNameFormField = createFormField({
  name: 'MaasModelName',
  component: ModelNameField,
  validation: validateModelName,
});

export const tierLimitsFormField = createFormField({
  name: 'MaasTiers',
  component: TierLimitsField,
  validation: validateTierLimits,
});
