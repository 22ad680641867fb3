import { screen } from '@testing-library/react';
import { model } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { ModelCard } from './ModelCard';

describe('ModelCard', () => {
  it('shows health, endpoint, model name and the way to the Usage tab', async () => {
    const getModel = jest.fn(async () => model());
    await renderWithApis(<ModelCard />, { getModel }, { withEntity: true });
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /https:\/\/qwen3\.maas\.local\/v1/ }),
    ).toBeInTheDocument();
    expect(screen.getByText('qwen3')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Keys, limits and examples/ }),
    ).toBeInTheDocument();
    expect(getModel).toHaveBeenCalledWith('resource:default/qwen3');
  });

  it('shows progress while loading', async () => {
    await renderWithApis(
      <ModelCard />,
      { getModel: never },
      { withEntity: true },
    );
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says what failed', async () => {
    await renderWithApis(
      <ModelCard />,
      { getModel: () => rejectWith(503, 'No cluster is configured') },
      { withEntity: true },
    );
    expect(
      await screen.findByText(/No cluster is configured/),
    ).toBeInTheDocument();
  });
});
