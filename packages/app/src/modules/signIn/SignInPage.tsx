/*
 * The portal's sign-in page: the choices of app.signIn.providers, OIDC (the organization's
 * identity provider) and/or guest; guest alone when the key is absent, so that a portal started
 * on embedded defaults (./scripts/start.sh) signs in as before.
 */
import {
  SignInPage as BackstageSignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { DEFAULT_OIDC_TITLE, oidcAuthApiRef } from './oidcAuthApi';

/** The sign-in choices, in the configured order. */
export function signInProviders(
  configured: string[] | undefined,
  oidcTitle: string | undefined,
): Array<'guest' | SignInProviderConfig> {
  return (configured ?? ['guest']).map(id => {
    if (id === 'guest') return 'guest';
    if (id === 'oidc') {
      return {
        id: 'oidc-auth-provider',
        title: oidcTitle ?? DEFAULT_OIDC_TITLE,
        message: 'Sign in with your organization account',
        apiRef: oidcAuthApiRef,
      };
    }
    throw new Error(
      `app.signIn.providers: "${id}" is not a sign-in choice of this portal; use oidc or guest`,
    );
  });
}

export function SignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  return (
    <BackstageSignInPage
      {...props}
      title="Sign in to the MaaS Portal"
      providers={signInProviders(
        config.getOptionalStringArray('app.signIn.providers'),
        config.getOptionalString('app.signIn.oidcTitle'),
      )}
    />
  );
}
