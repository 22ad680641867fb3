import { useMaasRead } from './useMaasRead';

/**
 * Which of the suite's pages not everyone uses to offer in the app's nav.
 *
 * @alpha
 */
export interface MaasPageAccess {
  /** Undefined while the backend has not answered. */
  approvals?: boolean;
  costs?: boolean;
}

/**
 * Whether the Approvals and Costs pages serve the signed-in user (`GET /access`): a developer who
 * decides no key request and leads no team is not offered them. When the backend cannot say, both
 * are offered: each page then says itself what it cannot show, rather than vanishing unexplained.
 *
 * @alpha
 */
export function useMaasPageAccess(): MaasPageAccess {
  const access = useMaasRead(api => api.getAccess(), []);
  if (access.loading) return {};
  if (!access.value) return { approvals: true, costs: true };
  return {
    approvals: access.value.approvals.serves,
    costs: access.value.costs.serves,
  };
}
