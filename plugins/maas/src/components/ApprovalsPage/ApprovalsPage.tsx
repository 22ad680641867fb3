import { Content, Header, Page } from '@backstage/core-components';
import { ApprovalsContent } from './ApprovalsContent';

/** Approvals, as a whole page for apps on the legacy frontend system. */
export function ApprovalsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Approvals"
        subtitle="Key requests waiting for a decision"
      />
      <Content>
        <ApprovalsContent />
      </Content>
    </Page>
  );
}
