import { configApiRef } from '@backstage/core-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { model } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { OidcAccess } from './OidcAccess';

const oidcModel = model({
  authMode: 'oidc',
  oidcIssuer: 'https://sso.example.com/realms/maas',
  url: 'https://qwen3.maas.local',
});

function render(config: object, details = oidcModel) {
  return renderWithApis(
    <TestApiProvider apis={[[configApiRef, mockApis.config({ data: config })]]}>
      <OidcAccess model={details} />
    </TestApiProvider>,
    {},
  );
}

describe('OidcAccess', () => {
  it('tells the issuer, the client and how to get a token and call the model with it', async () => {
    await render({ maas: { oidc: { clientId: 'maas-cli' } } });
    expect(screen.getByLabelText('Token issuer')).toHaveTextContent(
      'https://sso.example.com/realms/maas',
    );
    expect(screen.getByLabelText('Token client')).toHaveTextContent('maas-cli');
    const example = screen.getByLabelText('Token example');
    expect(example).toHaveTextContent(
      "ISSUER='https://sso.example.com/realms/maas'",
    );
    expect(example).toHaveTextContent("CLIENT_ID='maas-cli'");
    expect(example).toHaveTextContent(
      'grant_type=urn:ietf:params:oauth:grant-type:device_code',
    );
    expect(example).toHaveTextContent(
      "curl 'https://qwen3.maas.local/v1/chat/completions'",
    );
    expect(example).toHaveTextContent('-H "Authorization: Bearer $TOKEN"');
    expect(example).toHaveTextContent('"model":"qwen3"');
    expect(screen.queryByRole('button', { name: /key/i })).toBeNull();
  });

  it('says whom to ask when the client or the issuer is not known', async () => {
    await render({}, model({ authMode: 'oidc' }));
    expect(
      screen.getByText(/ask your platform team which client to use/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/not found in the model’s AuthPolicy/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Token example')).toHaveTextContent(
      "CLIENT_ID='<client id>'",
    );
  });
});
