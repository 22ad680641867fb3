import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi } from '../../api/MaasApi';
import {
  expectErrorInFull,
  expectNoRequestKey,
} from '../../__testUtils__/expectations';
import {
  apiKey,
  keyRequest,
  model,
  tiers,
  usage,
} from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { UsageTab } from './UsageTab';

const ENTITY = 'resource:default/qwen3';
const bound = {
  entityRef: ENTITY,
  inferenceService: 'llm/qwen3',
  bound: true,
  owner: 'group:default/ml',
  canAdopt: false,
};
const notBound = (canAdopt: boolean) => ({
  entityRef: ENTITY,
  inferenceService: 'llm/qwen3',
  bound: false,
  reason:
    'The InferenceService llm/qwen3 names no catalog entity (annotation maas.kuadrant.io/entity-ref): it was deployed outside the portal. An admin can adopt it for resource:default/qwen3.',
  canAdopt,
});

const api = (overrides: Partial<MaasApi> = {}): Partial<MaasApi> => ({
  getModel: async () => model(),
  getBinding: async () => bound,
  getModelTiers: async () => tiers(),
  getModelUsage: async () => usage(),
  listKeys: async () => [apiKey()],
  listKeyRequests: async () => [],
  ...overrides,
});

const render = (overrides: Partial<MaasApi> = {}, deny: string[] = []) =>
  renderWithApis(<UsageTab />, api(overrides), { withEntity: true, deny });

describe('UsageTab', () => {
  it('shows progress while the model loads', async () => {
    await render({ getModel: never });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows health, endpoint, tiers, keys and usage once loaded', async () => {
    await render();
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.getByLabelText('Endpoint URL')).toHaveTextContent(
      'https://qwen3.maas.local/v1',
    );
    expect(screen.getByRole('table', { name: 'Tiers' })).toBeInTheDocument();
    expect(await screen.findByText('maas_k3Fz')).toBeInTheDocument();
    expect(
      await screen.findByRole('figure', {
        name: 'Authorized and limited calls',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Tokens' })).toBeInTheDocument();
  });

  it('shows health and endpoint without waiting for the usage', async () => {
    await render({
      getModelUsage: never,
      getModelTiers: never,
      listKeys: never,
    });
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.getByLabelText('Endpoint URL')).toBeInTheDocument();
    expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0);
  });

  it.each([
    [
      'that no cluster is connected, with what to do',
      503,
      'No cluster is connected to the portal. Set maas.cluster.kubeconfig (or KUBECONFIG).',
      'No cluster is connected',
      /Set maas\.cluster\.kubeconfig/,
    ],
    [
      'what the user may not do when the backend refuses',
      403,
      'You lack the maas.model.read permission on resource:default/qwen3',
      'You may not see this model',
      /You lack the maas\.model\.read permission/,
    ],
  ])('says %s', async (_, status, message, heading, detail) => {
    await render({ getModel: () => rejectWith(status, message) });
    expect(await screen.findByText(heading)).toBeInTheDocument();
    expect(screen.getByText(detail)).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('says what the user may not do when the model is not theirs to see', async () => {
    await render({}, ['maas.model.read']);
    expect(
      await screen.findByText('You may not see this model'),
    ).toBeInTheDocument();
    expect(screen.getByText(/maas\.model\.read/)).toBeInTheDocument();
  });

  it('shows other errors in full', async () => {
    await render({ getModel: () => rejectWith(500, 'the cache exploded') });
    await expectErrorInFull(/the cache exploded/);
  });

  it('hides "Request key" from users who may not ask for keys', async () => {
    await render({}, ['maas.key.request']);
    await expectNoRequestKey();
  });

  it('offers the configured tiers in "Request key"', async () => {
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Request key' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: /Tier/ }));
    expect(
      await screen.findByRole('option', { name: /free \(automatic\)/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('option', { name: /premium \(needs approval\)/ }),
    ).toBeInTheDocument();
  });

  it("lists a key issued in Your keys in Try it's key picker at once, without a reload", async () => {
    const issued = apiKey({ id: 'key-new', displayPrefix: 'maas_n3wK' });
    let keys: ReturnType<typeof apiKey>[] = [];
    const listKeys = jest.fn(async () => keys);
    const createKeyRequest = jest.fn(async () => {
      keys = [issued];
      return {
        request: keyRequest({ tier: 'free', state: 'issued' as const }),
        issued: { key: issued, value: 'maas_n3wK_secret_value' },
      };
    });
    await render({ listKeys, createKeyRequest });
    // Before: Try it offers no key of the user's.
    fireEvent.mouseDown(await screen.findByLabelText('Your key'));
    expect(
      screen.queryByRole('option', { name: 'maas_n3wK (free)' }),
    ).not.toBeInTheDocument();
    fireEvent.keyDown(await screen.findByRole('listbox'), { key: 'Escape' });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Request key' }),
    );
    const dialog = await screen.findByRole('dialog', { name: /Request/ });
    await userEvent.click(within(dialog).getByRole('button', { name: /Tier/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: /free \(automatic\)/ }),
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'trying it',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request key' }),
    );
    expect(await screen.findByLabelText('API key value')).toHaveTextContent(
      'maas_n3wK_secret_value',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'I have stored it' }),
    );

    // After: the new key is in Try it's picker, read again (not from the first read).
    fireEvent.mouseDown(await screen.findByLabelText('Your key'));
    expect(
      await screen.findByRole('option', { name: 'maas_n3wK (free)' }),
    ).toBeInTheDocument();
  });

  it('offers the scope switch only to holders of maas.usage.read-all', async () => {
    await render({}, ['maas.usage.read-all']);
    await screen.findByRole('figure', { name: 'Tokens' });
    expect(
      screen.queryByRole('button', { name: 'Everyone' }),
    ).not.toBeInTheDocument();
  });

  describe('an entity its model does not name back', () => {
    it('says so and offers nothing: no keys, no usage, no Adopt for a developer', async () => {
      const listKeys = jest.fn(async () => [apiKey()]);
      const getModelUsage = jest.fn(async () => usage());
      await render({
        getBinding: async () => notBound(false),
        listKeys,
        getModelUsage,
      });
      expect(
        await screen.findByText('This entity is not bound to a model'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(
          /deployed outside the portal.*ask a portal administrator to adopt it/s,
        ),
      ).toBeInTheDocument();
      expect(screen.queryByRole('button')).not.toBeInTheDocument();
      expect(screen.queryByRole('figure')).not.toBeInTheDocument();
      expect(listKeys).not.toHaveBeenCalled();
      expect(getModelUsage).not.toHaveBeenCalled();
    });

    it('names the entity a mirror should use instead', async () => {
      await render({
        getBinding: async () => ({
          ...notBound(false),
          entityRef: 'component:default/mirror',
          reason:
            'The InferenceService llm/qwen3 belongs to component:default/qwen3, not to component:default/mirror: keys and usage of the model are on component:default/qwen3',
        }),
      });
      expect(
        await screen.findByText(/belongs to component:default\/qwen3/),
      ).toBeInTheDocument();
      expect(screen.queryByRole('button')).not.toBeInTheDocument();
    });

    it('lets an admin adopt the model, then shows the model', async () => {
      let adopted = false;
      const adoptModel = jest.fn(async () => {
        adopted = true;
        return bound;
      });
      await render({
        getBinding: async () => (adopted ? bound : notBound(true)),
        adoptModel,
      });
      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Adopt llm/qwen3 for this entity',
        }),
      );
      expect(adoptModel).toHaveBeenCalledWith(ENTITY);
      expect(await screen.findByText('healthy')).toBeInTheDocument();
    });

    it('shows why an adoption failed', async () => {
      await render({
        getBinding: async () => notBound(true),
        adoptModel: () =>
          rejectWith(
            403,
            'Adopting a model takes membership of one of maas.adminGroups',
          ),
      });
      await userEvent.click(
        await screen.findByRole('button', { name: /^Adopt/ }),
      );
      expect(
        await screen.findByText('You may not adopt this model'),
      ).toBeInTheDocument();
      expect(screen.getByText(/maas\.adminGroups/)).toBeInTheDocument();
    });
  });

  describe('keys made outside the portal', () => {
    const handMade = {
      namespace: 'kuadrant-system',
      name: 'seed-key-alice',
      userId: 'alice',
      groups: 'free',
      createdAt: '2026-11-01T00:00:00.000Z',
    };

    it('are not shown to a developer', async () => {
      const listOutsideKeys = jest.fn(async () => [handMade]);
      await render({ listOutsideKeys });
      expect(await screen.findByText('healthy')).toBeInTheDocument();
      expect(
        screen.queryByText('Keys made outside the portal'),
      ).not.toBeInTheDocument();
      expect(listOutsideKeys).not.toHaveBeenCalled();
    });

    it('are listed for an admin, who may revoke one', async () => {
      let keys = [handMade];
      const revokeOutsideKey = jest.fn(async () => {
        keys = [];
      });
      await render({
        getBinding: async () => ({ ...bound, canSeeOutsideKeys: true }),
        listOutsideKeys: async () => keys,
        revokeOutsideKey,
      });
      const table = await screen.findByRole('table', {
        name: 'Keys made outside the portal',
      });
      expect(
        within(table).getByText('kuadrant-system/seed-key-alice'),
      ).toBeInTheDocument();
      await userEvent.click(
        within(table).getByRole('button', { name: 'Revoke' }),
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Revoke' }),
      );
      expect(revokeOutsideKey).toHaveBeenCalledWith(ENTITY, 'seed-key-alice');
      expect(
        await screen.findByText(/None: every key this model accepts/),
      ).toBeInTheDocument();
    });
  });
});
