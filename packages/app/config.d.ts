export interface Config {
  app?: {
    /** How people sign in to the portal (the sign-in page, packages/app/src/modules/signIn). */
    signIn?: {
      /**
       * The sign-in choices offered, in this order: `oidc` (Backstage's oidc provider,
       * configured under auth.providers.oidc) and `guest` (auth.providers.guest). Without this
       * key: guest only, the zero-config demo.
       * @visibility frontend
       */
      providers?: Array<'oidc' | 'guest'>;
      /**
       * What the OIDC choice is called on the sign-in page, e.g. your identity provider's name.
       * @default Single sign-on
       * @visibility frontend
       */
      oidcTitle?: string;
    };
  };
}
