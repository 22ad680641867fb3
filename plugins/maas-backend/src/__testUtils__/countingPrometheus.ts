import { PrometheusClient } from '../prometheus/PrometheusClient';

/** A client that counts the queries it sends (the tests assert a constant number per load). */
export function counting(client: PrometheusClient) {
  const counter = { queries: 0 };
  const wrapped: PrometheusClient = {
    url: client.url,
    probe: () => client.probe(),
    query: (q, t) => {
      counter.queries++;
      return client.query(q, t);
    },
    queryRange: (q, r) => {
      counter.queries++;
      return client.queryRange(q, r);
    },
  };
  return { client: wrapped, counter };
}
