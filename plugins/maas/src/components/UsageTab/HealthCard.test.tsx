import { screen } from '@testing-library/react';
import { model } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { HealthCard } from './HealthCard';

const render = (overrides: Parameters<typeof model>[0]) =>
  renderWithApis(<HealthCard model={model(overrides)} />, {});

/** A verdict with one reason, as grave as the verdict. */
const verdict = (
  state: 'degraded' | 'unhealthy',
  object: string,
  message: string,
) => ({ state, reasons: [{ severity: state, object, message }] });

describe('HealthCard', () => {
  it('shows a healthy model with its objects and policies', async () => {
    await render({});
    expect(screen.getByText('healthy')).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Health reasons' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('InferenceService llm/qwen3: Loaded'),
    ).toBeInTheDocument();
    expect(screen.getByText('HTTPRoute llm/qwen3: found')).toBeInTheDocument();
    expect(screen.getByText('AuthPolicy llm/gateway-auth')).toBeInTheDocument();
    expect(screen.getByText('on the gateway, enforced')).toBeInTheDocument();
  });

  it('lists the reasons of a degraded model', async () => {
    await render({
      health: verdict(
        'degraded',
        'RateLimitPolicy llm/limits',
        'not enforced: Overridden',
      ),
    });
    expect(screen.getByText('degraded')).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Health reasons' }),
    ).toBeInTheDocument();
    expect(screen.getByText('RateLimitPolicy llm/limits')).toBeInTheDocument();
    expect(
      screen.getByText('degraded: not enforced: Overridden'),
    ).toBeInTheDocument();
  });

  it('shows an unhealthy model whose objects are missing', async () => {
    await render({
      health: verdict('unhealthy', 'InferenceService llm/qwen3', 'not found'),
      inferenceService: { namespace: 'llm', name: 'qwen3', found: false },
      route: undefined,
    });
    expect(screen.getByText('unhealthy')).toBeInTheDocument();
    expect(
      screen.getByText('InferenceService llm/qwen3: not found'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No HTTPRoute is named for this model.'),
    ).toBeInTheDocument();
  });

  it('warns that the data may be stale, and shows the backend warnings', async () => {
    await render({
      cache: { ageSeconds: 90 },
      warnings: ['The Gateway llm/inference-gateway is not found.'],
    });
    expect(
      screen.getByText(/lost its watch on the cluster 90 seconds ago/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The Gateway llm/inference-gateway is not found.'),
    ).toBeInTheDocument();
  });
});
