import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { lightTheme } from './lightTheme';

/** The portal's themes, in place of the app's own. */
export const themeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [lightTheme],
});
