import { Content, Header, Page } from '@backstage/core-components';
import { ModelsContent } from './ModelsContent';

/** The Models page for apps on the legacy frontend system, e.g. at `/maas/models`. */
export function ModelsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Models"
        subtitle="The models you can call through the gateway: health, endpoint and tiers"
      />
      <Content>
        <ModelsContent />
      </Content>
    </Page>
  );
}
