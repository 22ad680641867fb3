import {
  createScaffolderFieldExtension,
  FieldExtensionComponent,
} from '@backstage/plugin-scaffolder-react';
import { maasPlugin } from './plugin';
import { ModelNameField } from './components/scaffolder/ModelNameField';
import { TierLimitsField } from './components/scaffolder/TierLimitsField';
import {
  validateModelName,
  validateTierLimits,
} from './components/scaffolder/fields';
import { TierLimitsRow } from './components/scaffolder/tierLimitProblems';

/**
 * `ui:field: MaasModelName` of the "Create model" template, for apps on the legacy frontend system
 * (inside `<ScaffolderFieldExtensions>`) and Red Hat Developer Hub (`scaffolderFieldExtensions`).
 * The new frontend system's app gets the same field from the plugin in `/alpha`.
 *
 * @public
 */
export const MaasModelNameFieldExtension: FieldExtensionComponent<string, {}> =
  maasPlugin.provide(
    createScaffolderFieldExtension({
      name: 'MaasModelName',
      component: ModelNameField,
      validation: validateModelName,
    }),
  );

/**
 * `ui:field: MaasTiers` of the "Create model" template: the tiers and their limits (legacy frontend
 * system, Developer Hub).
 *
 * @public
 */
export const MaasTiersFieldExtension: FieldExtensionComponent<
  TierLimitsRow[],
  {}
> = maasPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MaasTiers',
    component: TierLimitsField,
    validation: validateTierLimits,
  }),
);
