import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import maasPlugin from '@maas-portal/plugin-maas/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { themeModule } from './modules/theme';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    kubernetesPlugin,
    maasPlugin,
    navModule,
    homeModule,
    signInModule,
    themeModule,
  ],
});
