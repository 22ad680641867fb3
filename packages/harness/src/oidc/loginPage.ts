/*
 * The provider's own sign-in page (oidc-provider leaves interactions to its host): a password form,
 * and the POST that checks it and hands the account back to the provider. Consent is never asked:
 * every client is the portal's own (see loadFirstPartyGrant in provider.ts).
 */
import type http from 'node:http';
import type Provider from 'oidc-provider';
import { OIDC_USERS } from './users.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

function loginForm(options: {
  uid: string;
  clientId: string;
  username?: string;
  error?: string;
}): string {
  const { uid, clientId, username = '', error } = options;
  const users = OIDC_USERS.map(
    u =>
      `<li><code>${escapeHtml(u.username)}</code>: ${escapeHtml(
        u.name,
      )}, ${escapeHtml(u.groups.join(', '))}</li>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in: MaaS test bed</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:4rem auto}label{display:block;margin:.8rem 0 .2rem}
input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1.5rem}
.error{color:#b00020}</style></head>
<body><h1>Sign in</h1>
<p>to <strong>${escapeHtml(
    clientId,
  )}</strong> with the MaaS test bed's OpenID Connect provider.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autofocus value="${escapeHtml(
    username,
  )}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button>
</form>
<p>Demo users (password as in the harness README):</p><ul>${users}</ul>
</body></html>`;
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The consent prompt (which oidc-provider always raises for native clients) answered with what
 * was asked for: the missing OIDC scopes and claims, and the models resource's scope.
 */
async function grantConsent(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  details: Interaction,
): Promise<void> {
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const grant = details.grantId
    ? (await provider.Grant.find(details.grantId))!
    : new provider.Grant({
        accountId: details.session!.accountId,
        clientId: String(details.params.client_id),
      });
  if (missing.missingOIDCScope)
    grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(
    missing.missingResourceScopes ?? {},
  )) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(html);
}

/**
 * Serves `GET /interaction/<uid>` (the form) and `POST /interaction/<uid>/login`; false for any
 * other path, which then goes to the provider.
 */
export async function handleInteraction(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<boolean> {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(
    (req.url ?? '').split('?')[0],
  );
  if (!match) return false;
  const [, uid, login] = match;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    send(
      res,
      400,
      '<p>This sign-in has expired or was already used. Go back to the portal and sign in again.</p>',
    );
    return true;
  }
  const clientId = String(details.params.client_id ?? '');
  if (details.prompt.name === 'consent') {
    await grantConsent(provider, req, res, details);
    return true;
  }
  if (!login || req.method !== 'POST') {
    send(res, 200, loginForm({ uid, clientId }));
    return true;
  }
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const account = OIDC_USERS.find(
    u => u.username === username && u.password === form.get('password'),
  );
  if (!account) {
    send(
      res,
      401,
      loginForm({
        uid,
        clientId,
        username,
        error: 'Unknown user or wrong password. Try again.',
      }),
    );
    return true;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.username } },
    { mergeWithLastSubmission: false },
  );
  return true;
}
