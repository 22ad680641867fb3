import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { modelNameProblem } from '@maas-portal/plugin-maas-common';
import { ModelNameField } from './ModelNameField';
import { TierLimitsField } from './TierLimitsField';
import { tierLimitProblems, TierLimitsRow } from './tierLimitProblems';

/**
 * The "Create model" template's own fields. Their checks run as the user types and again when
 * the step is left; the scaffolder actions check everything once more on the server.
 */
export const modelNameFormField = createFormField({
  name: 'MaasModelName',
  component: ModelNameField,
  validation: (name: string, field) => {
    const problem = modelNameProblem(name);
    if (problem) field.addError(problem);
  },
});

export const tierLimitsFormField = createFormField({
  name: 'MaasTiers',
  component: TierLimitsField,
  // The portal's tiers are checked as typed and by the render step; here, what needs no request.
  validation: (rows: TierLimitsRow[], field) => {
    tierLimitProblems(rows ?? [], undefined).forEach((problems, i) =>
      Object.entries(problems).forEach(([path, message]) =>
        field.addError(`Tier ${i + 1}, ${path}: ${message}`),
      ),
    );
  },
});
