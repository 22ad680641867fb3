import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import {
  expectErrorInFull,
  expectNoRequestKey,
} from '../../__testUtils__/expectations';
import { apiKey, entityRef, keyRequest } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import * as tierChange from '../../__testUtils__/tierChangeSteps';
import { ModelKeysCard } from './ModelKeysCard';

const tiers = [{ name: 'free', approval: 'auto' as const }];

const render = (api: Partial<MaasApi>, deny: string[] = []) =>
  renderWithApis(
    <ModelKeysCard entityRef={entityRef} modelName="qwen3" tiers={tiers} />,
    { listKeyRequests: async () => [], ...api },
    { deny },
  );

describe('ModelKeysCard', () => {
  it('shows progress while the keys load', async () => {
    await render({ listKeys: never });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("lists the user's keys of this model, asking only for their own", async () => {
    const listKeys = jest.fn(async () => [
      apiKey(),
      apiKey({ id: 'key-2', displayPrefix: 'maas_Q9aa', state: 'revoked' }),
    ]);
    await render({ listKeys });
    expect(await screen.findByText('maas_k3Fz')).toBeInTheDocument();
    expect(screen.getByText('maas_Q9aa')).toBeInTheDocument();
    expect(screen.getByText('revoked')).toBeInTheDocument();
    expect(listKeys).toHaveBeenCalledWith({ entityRef, mine: true });
  });

  it('draws no card inside its card, and keeps button labels on one line', async () => {
    await render({
      listKeys: async () => [apiKey()],
      listKeyRequests: async () => [keyRequest({ state: 'pending' })],
    });
    expect(await screen.findByText('maas_k3Fz')).toBeInTheDocument();
    expect(await screen.findByText('Your requests')).toBeInTheDocument();
    // The card itself is the only paper: the keys and requests tables have none of their own.
    expect(document.querySelectorAll('.MuiPaper-root')).toHaveLength(1);
    expect(screen.getAllByTestId('unframed-table')).toHaveLength(2);
    for (const name of [/Revoke key/, /Change tier of key/, 'Request key']) {
      expect(
        getComputedStyle(screen.getByRole('button', { name })).whiteSpace,
      ).toBe('nowrap');
    }
  });

  it('invites to request a key when there is none', async () => {
    await render({ listKeys: async () => [] });
    expect(
      await screen.findByText(
        /You have no key for this model yet\. Use "Request key"/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Request key' })).toBeEnabled();
  });

  it('shows pending requests, which can be cancelled', async () => {
    const cancelKeyRequest = jest.fn(async () =>
      keyRequest({ state: 'cancelled' }),
    );
    await render({
      listKeys: async () => [],
      listKeyRequests: async () => [keyRequest()],
      cancelKeyRequest,
    });
    expect(await screen.findByText('Your requests')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Cancel request for llm/qwen3 at tier premium',
      }),
    );
    expect(cancelKeyRequest).toHaveBeenCalledWith('req-1');
  });

  it('shows an error when the keys cannot be read', async () => {
    await render({ listKeys: () => rejectWith(500, 'database is down') });
    await expectErrorInFull(/database is down/);
  });

  it("offers the model's own tiers when changing a key's tier", async () => {
    const getStatus = jest.fn();
    await renderWithApis(
      <ModelKeysCard
        entityRef={entityRef}
        modelName="qwen3"
        tiers={[
          { name: 'free', approval: 'auto' },
          {
            name: 'premium',
            approval: 'manual',
            summary: '20 per 2m requests',
          },
        ]}
      />,
      {
        listKeyRequests: async () => [],
        listKeys: async () => [apiKey()],
        getStatus,
      },
    );
    await tierChange.openFromRow('maas_k3Fz');
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['premium (needs approval)']);
    expect(getStatus).not.toHaveBeenCalled();
  });

  it('hides "Request key" without the permission', async () => {
    await render({ listKeys: async () => [] }, ['maas.key.request']);
    await expectNoRequestKey();
  });
});
