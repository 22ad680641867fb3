import { useMaasRead } from './useMaasRead';

/** The teams' soft budgets of a calendar month; again whenever the month changes. */
export function useBudgets(month: string) {
  return useMaasRead(api => api.getBudgets({ month }), [month]);
}
