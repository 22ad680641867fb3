import {
  CatalogFilterLayout,
  DefaultEntityFilters,
  EntityListProvider,
  EntityOwnerPicker,
  EntityTagPicker,
  UserListPicker,
  useEntityList,
} from '@backstage/plugin-catalog-react';
import { ReactNode, useEffect } from 'react';
import { ModelServerFilter } from './modelServerFilter';
import { ModelsTable } from './ModelsTable';

type ModelFilters = DefaultEntityFilters & { modelServer?: ModelServerFilter };

/** Keeps the list to model servers, whatever the pickers add. */
function ModelServersOnly(props: { children: ReactNode }) {
  const { updateFilters } = useEntityList<ModelFilters>();
  useEffect(() => {
    updateFilters({ modelServer: new ModelServerFilter() });
  }, [updateFilters]);
  return <>{props.children}</>;
}

/**
 * The Models page: the catalog's model servers, filtered as the catalog filters (owned, starred,
 * owner, tags), with health, endpoint and tiers from the cluster.
 */
export function ModelsContent() {
  return (
    <EntityListProvider>
      <ModelServersOnly>
        <CatalogFilterLayout>
          <CatalogFilterLayout.Filters>
            <UserListPicker initialFilter="all" />
            <EntityOwnerPicker />
            <EntityTagPicker />
          </CatalogFilterLayout.Filters>
          <CatalogFilterLayout.Content>
            <ModelsTable />
          </CatalogFilterLayout.Content>
        </CatalogFilterLayout>
      </ModelServersOnly>
    </EntityListProvider>
  );
}
