import { screen, within } from '@testing-library/react';
import { ModelDetails } from '../../api/MaasApi';
import { model } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { HealthCard } from './HealthCard';

const render = (overrides: Parameters<typeof model>[0]) =>
  renderWithApis(<HealthCard model={model(overrides)} />, {});

const objectRows = () =>
  within(screen.getByRole('list', { name: 'Model objects' })).getAllByRole(
    'listitem',
  );

type Health = ModelDetails['health'];
type Reason = Health['reasons'][number];

/** One reason of a model's health: which object, how bad, and why. */
const healthReason = (
  severity: Reason['severity'],
  object: string,
  message: string,
  waitingFor?: Reason['waitingFor'],
): Reason => ({ severity, object, message, waitingFor });

const modelHealth = (
  state: Health['state'],
  reasons: Reason[],
  waitingFor?: Health['waitingFor'],
  waitingSince?: string,
): Health => ({ state, reasons, waitingFor, waitingSince });

/** KServe has not reported on the InferenceService yet: waiting, until the grace period ends. */
const KSERVE_WAITING = healthReason(
  'degraded',
  'InferenceService llm/qwen3',
  'KServe has not reported readiness yet',
  'KServe',
);

/** Each text shows, once, somewhere in the card. */
const expectShown = (...texts: string[]) =>
  texts.forEach(text => expect(screen.getByText(text)).toBeInTheDocument());

const LONG_REASON =
  'Not enforced: MissingDependency: the Kuadrant operator could not find Limitador in kuadrant-system, so no limit of this policy reaches the gateway until an administrator installs it';

describe('HealthCard', () => {
  it('shows a healthy model with its objects and policies', async () => {
    await render({});
    expectShown(
      'healthy',
      'InferenceService llm/qwen3: Loaded',
      'HTTPRoute llm/qwen3: found',
      'AuthPolicy llm/gateway-auth (on the gateway): enforced',
    );
  });

  it('lists each object once, with its reasons under it', async () => {
    await render({
      policies: [
        {
          kind: 'AuthPolicy',
          namespace: 'llm',
          name: 'gateway-auth',
          attachedTo: 'gateway',
        },
        {
          kind: 'RateLimitPolicy',
          namespace: 'llm',
          name: 'limits',
          attachedTo: 'route',
          accepted: true,
          enforced: false,
        },
      ],
      health: modelHealth('degraded', [
        healthReason(
          'degraded',
          'AuthPolicy llm/gateway-auth (on the gateway)',
          'Kuadrant has not reported on this policy yet',
        ),
        healthReason(
          'degraded',
          'RateLimitPolicy llm/limits (on the route)',
          LONG_REASON,
        ),
      ]),
    });
    // Four objects, four rows: the reasons do not come back as "state unknown" rows.
    expect(objectRows()).toHaveLength(4);
    expect(screen.getAllByText(/AuthPolicy llm\/gateway-auth/)).toHaveLength(1);
    expect(screen.getAllByText(/RateLimitPolicy llm\/limits/)).toHaveLength(1);
    expect(
      within(objectRows()[2]).getByText(
        'degraded: Kuadrant has not reported on this policy yet',
      ),
    ).toBeInTheDocument();
  });

  it('shows a long reason in full, wrapping between words', async () => {
    await render({
      health: modelHealth('degraded', [
        healthReason('degraded', 'HTTPRoute llm/qwen3', LONG_REASON),
      ]),
    });
    const reason = screen.getByText(`degraded: ${LONG_REASON}`);
    expect(reason).toBeVisible();
    const style = getComputedStyle(reason);
    expect(style.whiteSpace).toBe('normal');
    expect(style.wordBreak).toBe('normal');
    expect(style.textOverflow).not.toBe('ellipsis');
  });

  it('calls a model its controllers have not caught up with "waiting", not degraded', async () => {
    await render({
      health: modelHealth(
        'degraded',
        [KSERVE_WAITING],
        ['KServe', 'the Gateway', 'Kuadrant'],
        new Date(Date.now() - 90_000).toISOString(),
      ),
    });
    expect(
      screen.getByText('waiting for KServe / the Gateway / Kuadrant'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^since \d\d:\d\d:\d\d \(1 min ago\)/),
    ).toBeInTheDocument();
    expect(screen.queryByText('degraded')).not.toBeInTheDocument();
    expect(
      screen.getByText(
        'waiting for KServe: KServe has not reported readiness yet',
      ),
    ).toBeInTheDocument();
  });

  it('calls a wait past the grace period what its severity says', async () => {
    await render({
      health: modelHealth('degraded', [KSERVE_WAITING]),
    });
    expectShown('degraded', 'degraded: KServe has not reported readiness yet');
    expect(screen.queryByText(/waiting for/)).not.toBeInTheDocument();
  });

  it('shows an unhealthy model whose objects are missing, each once', async () => {
    await render({
      health: modelHealth('unhealthy', [
        healthReason(
          'unhealthy',
          'InferenceService llm/qwen3',
          'Not found in the cluster',
        ),
        healthReason(
          'unhealthy',
          'HTTPRoute (none)',
          'No HTTPRoute is linked to this model',
        ),
      ]),
      inferenceService: { namespace: 'llm', name: 'qwen3', found: false },
      route: undefined,
      policies: [],
    });
    expectShown(
      'unhealthy',
      'InferenceService llm/qwen3: not found',
      'HTTPRoute (none)',
    );
    expect(objectRows()).toHaveLength(2);
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
