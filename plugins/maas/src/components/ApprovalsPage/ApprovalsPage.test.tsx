import { screen } from '@testing-library/react';
import { auditEvent, keyRequest } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ApprovalsPage } from './ApprovalsPage';

describe('ApprovalsPage', () => {
  it('shows the queue and the audit history under its title', async () => {
    await renderWithApis(<ApprovalsPage />, {
      listKeyRequests: async () => [keyRequest()],
      listAuditEvents: async () => [auditEvent()],
    });
    expect(
      screen.getByRole('heading', { name: 'Approvals' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(
      await screen.findByText('Audit history (latest 500)'),
    ).toBeInTheDocument();
  });
});
