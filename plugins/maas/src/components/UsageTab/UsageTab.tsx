import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Grid } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { maasApiRef } from '../../api/MaasApi';
import { ConnectionAlert } from '../ConnectionAlert';

/** The Usage tab of a model entity. */
export function UsageTab() {
  const api = useApi(maasApiRef);
  const status = useAsync(() => api.getStatus(), [api]);

  if (status.loading) return <Progress />;
  if (status.error) return <ResponseErrorPanel error={status.error} />;
  const { cluster, prometheus } = status.value!;
  return (
    <Grid container spacing={2} direction="column">
      <Grid item>
        <ConnectionAlert what="Cluster" status={cluster} />
      </Grid>
      <Grid item>
        <ConnectionAlert what="Prometheus" status={prometheus} />
      </Grid>
    </Grid>
  );
}
