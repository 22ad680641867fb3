import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MaasApi, Page } from '../../api/MaasApi';
import { apiKey } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { KeysContent } from '../KeysPage/KeysContent';
import { ApiKey } from '@maas-portal/plugin-maas-common';

const page = (keys: ApiKey[], nextCursor?: string): Page<ApiKey> =>
  nextCursor ? Object.assign(keys, { nextCursor }) : keys;

const render = (api: Partial<MaasApi>) =>
  renderWithApis(<KeysContent />, { listKeyRequests: async () => [], ...api });

describe('a list the backend pages: Load more', () => {
  it('reads the next page at the cursor and adds its rows, until there is none', async () => {
    const listKeys = jest.fn(async (query: { cursor?: string }) =>
      query.cursor === 'c1'
        ? page([apiKey({ id: 'key-2', displayPrefix: 'maas_Second' })])
        : page([apiKey({ id: 'key-1', displayPrefix: 'maas_First' })], 'c1'),
    );
    await render({ listKeys });
    expect(
      await screen.findByText('maas_First', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1 keys loaded; there are more.'),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Load more keys' }),
    );

    expect(
      await screen.findByText('maas_Second', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('maas_First', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(listKeys).toHaveBeenLastCalledWith({
      entityRef: undefined,
      mine: true,
      cursor: 'c1',
    });
    // The last page has no cursor: no more button.
    expect(
      screen.queryByRole('button', { name: 'Load more keys' }),
    ).not.toBeInTheDocument();
  });

  it('says why a next page failed, and the button tries again', async () => {
    let fail = true;
    const listKeys = jest.fn(async (query: { cursor?: string }) => {
      if (!query.cursor) return page([apiKey({ id: 'key-1' })], 'c1');
      if (fail) {
        fail = false;
        return rejectWith(503, "The portal's database is unreachable");
      }
      return page([apiKey({ id: 'key-2', displayPrefix: 'maas_Later' })]);
    });
    await render({ listKeys });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Load more keys' }),
    );
    expect(
      await screen.findByText(
        /Could not load more keys: .*database is unreachable/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Load more keys' }),
    );
    expect(
      await screen.findByText('maas_Later', { selector: 'code' }),
    ).toBeInTheDocument();
  });
});
