import { CostQuery } from '../api/MaasApi';
import { useMaasRead } from './useMaasRead';

/** Usage and cost over a month or a custom range; again whenever the range changes. */
export function useCosts(query: CostQuery) {
  const { month, start, end } = query;
  return useMaasRead(
    api => api.getCosts({ month, start, end }),
    [month, start, end],
  );
}
