import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ModelNameField } from './ModelNameField';

function Form() {
  const [name, setName] = useState<string | undefined>();
  return (
    <ModelNameField
      {...({} as any)}
      formData={name}
      onChange={setName}
      schema={{ title: 'Model name', type: 'string' }}
      idSchema={{ $id: 'root_name' } as any}
      rawErrors={[]}
      uiSchema={{}}
    />
  );
}

describe('ModelNameField', () => {
  it('says in words what is wrong with a name as it is typed, never a pattern', async () => {
    await renderWithApis(<Form />, {});
    const input = screen.getByLabelText('Model name');
    expect(
      screen.getByText(/Use lower-case letters, digits and dashes/),
    ).toBeInTheDocument();
    fireEvent.change(input, { target: { value: 'Qwen_3' } });
    expect(
      screen.getByText(
        '"Qwen_3" has upper-case letters; use lower-case letters only',
      ),
    ).toBeInTheDocument();
    fireEvent.change(input, { target: { value: 'qwen_3' } });
    expect(
      screen.getByText(
        '"qwen_3" has characters a model name cannot have (_); use lower-case letters, digits and dashes',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/\^\[a-z\]/)).toBeNull();
    fireEvent.change(input, { target: { value: 'qwen3' } });
    expect(screen.queryByText(/cannot have|upper-case/)).toBeNull();
    expect(input).toHaveAttribute('aria-invalid', 'false');
  });
});
