import { getComponentData } from '@backstage/core-plugin-api';
import type { FieldExtensionOptions } from '@backstage/plugin-scaffolder-react';
import { ModelNameField } from './components/scaffolder/ModelNameField';
import { TierLimitsField } from './components/scaffolder/TierLimitsField';
import {
  MaasModelNameFieldExtension,
  MaasTiersFieldExtension,
} from './scaffolderFieldExtensions';

// Where <ScaffolderFieldExtensions> of a legacy app (and Developer Hub's scaffolderFieldExtensions)
// reads a field extension from: the key @backstage/plugin-scaffolder-react attaches it under.
const FIELD_EXTENSION_KEY = 'scaffolder.extensions.field.v1';

function options(Extension: () => null) {
  return getComponentData<FieldExtensionOptions<any>>(
    <Extension />,
    FIELD_EXTENSION_KEY,
  )!;
}

function errorsOf(
  validation: FieldExtensionOptions<any>['validation'],
  value: unknown,
) {
  const errors: string[] = [];
  validation!(
    value,
    { addError: (e: string) => errors.push(e) } as any,
    {} as any,
  );
  return errors;
}

describe('the legacy scaffolder field extensions', () => {
  it('carry the template fields MaasModelName and MaasTiers with their components', () => {
    expect(options(MaasModelNameFieldExtension)).toMatchObject({
      name: 'MaasModelName',
      component: ModelNameField,
    });
    expect(options(MaasTiersFieldExtension)).toMatchObject({
      name: 'MaasTiers',
      component: TierLimitsField,
    });
  });

  it('check a value as the new frontend system form fields do', () => {
    const name = options(MaasModelNameFieldExtension).validation;
    expect(errorsOf(name, 'qwen3')).toEqual([]);
    expect(errorsOf(name, 'Qwen3')).toEqual([
      '"Qwen3" has upper-case letters; use lower-case letters only',
    ]);
    const tiers = options(MaasTiersFieldExtension).validation;
    expect(
      errorsOf(tiers, [
        {
          name: 'free',
          requests: { limit: 5, window: '2m' },
          tokens: { limit: 100, window: '1m' },
        },
      ]),
    ).toEqual([]);
    const problems = errorsOf(tiers, [
      {
        name: 'free',
        requests: { limit: 0, window: '2m' },
        tokens: { limit: 100, window: '1m' },
      },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Tier 1, requests\.limit: /);
  });
});
