import {
  CodeSnippet,
  CopyTextButton,
  InfoCard,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ModelDetails } from '../../api/MaasApi';
import { tokenScript } from './tokenScript';

/**
 * Where an OIDC model's callers get their token, in place of API keys: the issuer the model's
 * AuthPolicy accepts, the client people use (maas.oidc.clientId), and a script that gets a token
 * and calls the model with `Authorization: Bearer $TOKEN`.
 */
export function OidcAccess(props: { model: ModelDetails }) {
  const { model } = props;
  const clientId = useApi(configApiRef).getOptionalString('maas.oidc.clientId');
  const issuer = model.oidcIssuer;
  const script = tokenScript({
    issuer: issuer ?? '<issuer>',
    clientId: clientId ?? '<client id>',
    url: model.url,
    modelName: model.modelName,
  });
  return (
    <InfoCard title="Access with your own token">
      <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
        <Typography variant="body2">
          This model takes no API keys: it accepts an OpenID Connect access
          token of yours, sent as <code>Authorization: Bearer $TOKEN</code>.
          Your tier comes from the token&apos;s tier claim; the gateway counts
          your calls by your user id.
        </Typography>
        <Typography variant="body2" component="div">
          Issuer:{' '}
          {issuer ? (
            <code aria-label="Token issuer">{issuer}</code>
          ) : (
            'not found in the model’s AuthPolicy (it may use a JWKS URL); ask the model’s owner'
          )}
          <br />
          Client:{' '}
          {clientId ? (
            <code aria-label="Token client">{clientId}</code>
          ) : (
            'ask your platform team which client to use (they set maas.oidc.clientId)'
          )}
        </Typography>
        {!issuer || !clientId ? (
          <Alert severity="info">
            Fill in the placeholders below with the issuer and client above.
          </Alert>
        ) : null}
        <Box position="relative" aria-label="Token example">
          <CodeSnippet
            text={script}
            language="bash"
            wrapLongLines
            customStyle={{ margin: 0, paddingRight: 48 }}
          />
          <Box position="absolute" top={4} right={4}>
            <CopyTextButton
              text={script}
              aria-label="Copy token example"
              tooltipText="Example copied"
            />
          </Box>
        </Box>
      </Box>
    </InfoCard>
  );
}
