import { Content, Header, Page } from '@backstage/core-components';
import { CostsContent } from './CostsContent';

/** Costs, as a whole page for apps on the legacy frontend system. */
export function CostsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Costs"
        subtitle="Usage and cost per user, team and system (showback)"
      />
      <Content>
        <CostsContent />
      </Content>
    </Page>
  );
}
