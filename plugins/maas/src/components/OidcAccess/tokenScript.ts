import { shellQuote } from '@maas-portal/plugin-maas-common';

/**
 * A shell script that gets an access token for an OIDC model and calls it: the OAuth 2.0 device
 * flow (RFC 8628; Keycloak and the harness's provider both offer it), with the endpoints read from
 * the issuer's discovery document, so it works for any issuer that supports the flow. Every value
 * is shell-quoted: the issuer and the model come from whoever created the model.
 */
export function tokenScript(options: {
  issuer: string;
  clientId: string;
  url?: string;
  modelName: string;
}): string {
  const { issuer, clientId, url, modelName } = options;
  const body = JSON.stringify({
    model: modelName,
    messages: [{ role: 'user', content: 'Hello!' }],
  });
  return [
    `ISSUER=${shellQuote(issuer)}`,
    `CLIENT_ID=${shellQuote(clientId)}`,
    `CONFIG=$(curl -s "$ISSUER/.well-known/openid-configuration")`,
    '# 1. A sign-in code: open the link it prints, sign in, then press Enter here.',
    `DEVICE=$(curl -s -d "client_id=$CLIENT_ID" -d "scope=openid" "$(echo "$CONFIG" | jq -r .device_authorization_endpoint)")`,
    `echo "Open $(echo "$DEVICE" | jq -r .verification_uri_complete)"; read -r _`,
    '# 2. The access token (valid for about an hour; run steps 1 and 2 again when it expires).',
    `TOKEN=$(curl -s -d "grant_type=urn:ietf:params:oauth:grant-type:device_code" -d "client_id=$CLIENT_ID" \\`,
    `  -d "device_code=$(echo "$DEVICE" | jq -r .device_code)" "$(echo "$CONFIG" | jq -r .token_endpoint)" | jq -r .access_token)`,
    '# 3. Call the model with it.',
    `curl ${shellQuote(`${url ?? '<model URL>'}/v1/chat/completions`)} \\`,
    `  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}
