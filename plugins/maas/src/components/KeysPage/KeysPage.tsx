import { Content, Header, Page } from '@backstage/core-components';
import { KeysContent } from './KeysContent';

/** My API keys, as a whole page for apps on the legacy frontend system. */
export function KeysPage() {
  return (
    <Page themeId="tool">
      <Header
        title="My API keys"
        subtitle="Your keys for the models of the portal"
      />
      <Content>
        <KeysContent />
      </Content>
    </Page>
  );
}
