import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { useMaasRead } from '../../hooks/useMaasRead';
import { ErrorAlert } from '../ErrorAlert';
import { HealthBadge } from '../UsageTab/HealthCard';
import { missingView, ModelRow, rowsOf } from './ModelsTable';
import { ModelServerFilter } from './modelServerFilter';

/**
 * The catalog's models with their health, for a home page widget: no card of its own (the widget
 * is the card), and a link to the Models page for the rest.
 *
 * @alpha
 */
export function ModelsSummary(props: { modelsPageLink?: string }) {
  const catalogApi = useApi(catalogApiRef);
  const entities = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: new ModelServerFilter().getCatalogFilters(),
        })
      ).items,
    [catalogApi],
  );
  const models = useMaasRead(api => api.listModels(), []);
  if (entities.loading) return <Progress />;
  if (entities.error) {
    return (
      <ErrorAlert error={entities.error} action="list the catalog's models" />
    );
  }
  const rows = rowsOf(entities.value ?? [], models.value);
  const missing = (row: ModelRow) =>
    models.loading ? '…' : missingView(row, !!models.value);
  return (
    <Box>
      {models.error && (
        <ErrorAlert
          error={models.error}
          action="read the models' health from the cluster"
        />
      )}
      {rows.length === 0 ? (
        <Typography variant="body2">
          No model is in the catalog yet. Create one with the model template.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Models">
          {rows.map(r => (
            <ListItem key={r.entity.metadata.name} disableGutters>
              <ListItemText
                primary={
                  <EntityRefLink entityRef={getCompoundEntityRef(r.entity)} />
                }
                secondary={
                  r.view ? <HealthBadge health={r.view.health} /> : missing(r)
                }
                secondaryTypographyProps={{ component: 'div' }}
              />
            </ListItem>
          ))}
        </List>
      )}
      <Box mt={1}>
        <Link to={props.modelsPageLink ?? '/maas/models'}>All models</Link>
      </Box>
    </Box>
  );
}
