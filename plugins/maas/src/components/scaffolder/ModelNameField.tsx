import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  MODEL_NAME_RULE,
  modelNameProblem,
} from '@maas-portal/plugin-maas-common';
import { TextField } from '@material-ui/core';

/**
 * `ui:field: MaasModelName`: the model's name, checked as typed; a problem is said in words
 * (what is wrong and what is allowed), never as a pattern.
 */
export function ModelNameField(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, schema, rawErrors, idSchema, required } = props;
  const typed = formData ?? '';
  const problem = typed === '' ? undefined : modelNameProblem(typed);
  return (
    <TextField
      id={idSchema?.$id ?? 'name'}
      label={schema.title ?? 'Model name'}
      required={required}
      fullWidth
      margin="normal"
      value={typed}
      error={!!problem || !!rawErrors?.length}
      helperText={
        problem ??
        rawErrors?.[0] ??
        schema.description ??
        `Use ${MODEL_NAME_RULE}.`
      }
      onChange={e =>
        onChange(e.target.value === '' ? undefined! : e.target.value)
      }
    />
  );
}
