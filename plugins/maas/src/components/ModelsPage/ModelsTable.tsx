import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Link, Table, TableColumn } from '@backstage/core-components';
import {
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
  useEntityList,
} from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import {
  getInferenceServiceRef,
  ModelList,
  ModelView,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import { Fragment, useMemo } from 'react';
import { useMaasRead } from '../../hooks/useMaasRead';
import { ErrorAlert, WarningAlerts } from '../ErrorAlert';
import { HealthBadge } from '../UsageTab/HealthCard';
import { tableOptions } from '../table/options';
import { sortIcons } from '../table/sortArrows';
import { TiersCell } from './TiersCell';

/** A model server of the catalog, with what the cluster says of it, or why nothing is said. */
export interface ModelRow {
  entity: Entity;
  view?: ModelView;
  /** The user may not read this model (no maas.model.read on its entity): nothing is shown of it. */
  notReadable?: boolean;
}

/**
 * Pairs each catalog model server with its model in the list: by its entity, as the backend read
 * it for the user, else (an InferenceService no entity of the list names, for holders of
 * maas.model.list) by the InferenceService it names.
 */
export function rowsOf(
  entities: Entity[],
  models: ModelList | undefined,
): ModelRow[] {
  const items = models?.items ?? [];
  const byEntity = new Map(
    items.filter(m => m.entityRef).map(m => [m.entityRef!, m]),
  );
  const byIsvc = new Map(
    items
      .filter(m => !m.entityRef)
      .map(m => [stringifyObjectRef(m.inferenceService), m]),
  );
  const notReadable = new Set(models?.notReadable ?? []);
  return entities.map(entity => {
    const ref = stringifyEntityRef(entity);
    if (notReadable.has(ref)) return { entity, notReadable: true };
    const isvc = getInferenceServiceRef(entity);
    return {
      entity,
      view: byEntity.get(ref) ?? (isvc && byIsvc.get(stringifyObjectRef(isvc))),
    };
  });
}

/** What a row without a model view shows, and why: once the list is in, the reason. */
export function missingView(row: ModelRow, listRead: boolean): string {
  if (!listRead) return '—';
  if (row.notReadable) return 'not yours to read (maas.model.read)';
  if (!getInferenceServiceRef(row.entity)) return 'names no InferenceService';
  // The catalog registered it after the backend read the list.
  return 'not listed yet: reload';
}

/** A URL that may wrap after its slashes and dots, never inside a word. */
function BreakableUrl(props: { url: string }) {
  const parts = props.url.split(/(?<=[/.])/);
  return (
    <Box
      component="span"
      style={{ wordBreak: 'normal', overflowWrap: 'normal' }}
    >
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </Box>
  );
}

const name = (r: ModelRow) => r.entity.metadata.title ?? r.entity.metadata.name;

function columns(listRead: boolean): TableColumn<ModelRow>[] {
  return [
    {
      title: 'Model',
      field: 'entity.metadata.name',
      highlight: true,
      customSort: (a, b) => name(a).localeCompare(name(b)),
      render: r => <EntityRefLink entityRef={getCompoundEntityRef(r.entity)} />,
    },
    {
      title: 'Health',
      field: 'view.health.state',
      // Wide enough for "waiting for KServe / Kuadrant" to wrap between words, not inside one.
      cellStyle: { minWidth: 180 },
      render: r =>
        r.view ? (
          <HealthBadge health={r.view.health} />
        ) : (
          missingView(r, listRead)
        ),
    },
    {
      title: 'Endpoint',
      field: 'view.url',
      cellStyle: { minWidth: 180 },
      render: r =>
        r.view?.url ? (
          <Link to={r.view.url}>
            <BreakableUrl url={r.view.url} />
          </Link>
        ) : (
          missingView(r, listRead)
        ),
    },
    {
      title: 'Tiers',
      sorting: false,
      // Tier names wrap between names, never inside one ("enterpris e").
      cellStyle: { wordBreak: 'normal', overflowWrap: 'normal' },
      render: r => <TiersCell entity={r.entity} />,
    },
    {
      title: 'Owner',
      sorting: false,
      cellStyle: { whiteSpace: 'nowrap' },
      render: r => (
        <EntityRefLinks
          entityRefs={getEntityRelations(r.entity, 'ownedBy')}
          defaultKind="group"
        />
      ),
    },
    {
      title: 'Description',
      field: 'entity.metadata.description',
      sorting: false,
    },
  ];
}

/**
 * The catalog's model servers, each with its health, endpoint and tiers from the cluster. The
 * catalog part shows even when the cluster part cannot be read, with a note saying why.
 */
export function ModelsTable() {
  const { entities, loading, error } = useEntityList();
  const models = useMaasRead(api => api.listModels(), []);
  const rows = useMemo(
    () => rowsOf(entities, models.value),
    [entities, models.value],
  );
  if (error) {
    return <ErrorAlert error={error} action="list the catalog's models" />;
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {models.error && (
        <ErrorAlert
          error={models.error}
          action="read the models' health and endpoints from the cluster"
        />
      )}
      <Table<ModelRow>
        title={`Models (${rows.length})`}
        isLoading={loading || models.loading}
        columns={columns(!!models.value)}
        icons={sortIcons}
        data={rows}
        options={tableOptions({
          pageSize: 20,
          paging: rows.length > 20,
          search: true,
        })}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              No model is in the catalog yet. Create one with the model
              template; it shows here as soon as the catalog registers it.
            </Typography>
          </Box>
        }
      />
      <WarningAlerts warnings={models.value?.warnings} />
    </Box>
  );
}
