import { stringifyEntityRef, Entity } from '@backstage/catalog-model';
import { Typography } from '@material-ui/core';
import { isMaasAvailable } from '@maas-portal/plugin-maas-common';
import { useModelTiers } from '../../hooks/useModelTiers';

function KnownTiers(props: { entityRef: string }) {
  const tiers = useModelTiers(props.entityRef);
  if (tiers.loading) return <Typography variant="body2">…</Typography>;
  if (tiers.error) {
    return (
      <Typography variant="body2" title={tiers.error.message}>
        could not read
      </Typography>
    );
  }
  const names = (tiers.value?.tiers ?? []).map(t => t.name);
  return (
    <Typography variant="body2">
      {names.length > 0 ? names.join(', ') : 'none'}
    </Typography>
  );
}

/** The tiers whose limits are in force on a model, by name. */
export function TiersCell(props: { entity: Entity }) {
  if (!isMaasAvailable(props.entity)) return <>—</>;
  return <KnownTiers entityRef={stringifyEntityRef(props.entity)} />;
}
