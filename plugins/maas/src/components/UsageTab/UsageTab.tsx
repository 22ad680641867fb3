import { Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Grid } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  maasModelReadPermission,
  maasUsageReadAllPermission,
} from '@maas-portal/plugin-maas-common';
import { useMemo, useState } from 'react';
import { useBinding } from '../../hooks/useBinding';
import { useModel } from '../../hooks/useModel';
import { useModelTiers } from '../../hooks/useModelTiers';
import { ErrorAlert } from '../ErrorAlert';
import { OidcAccess } from '../OidcAccess';
import { tierChoices } from '../TierSelect';
import { EndpointCard } from './EndpointCard';
import { HealthCard } from './HealthCard';
import { ModelKeysCard } from './ModelKeysCard';
import { NotBoundCard } from './NotBoundCard';
import { OutsideKeysCard } from './OutsideKeysCard';
import { PlaygroundCard } from './PlaygroundCard';
import { QuotaCard } from '../Quota';
import { TiersCard } from './TiersCard';
import { UsageCharts } from './UsageCharts';

/**
 * The Usage tab of a model entity. Health and endpoint come from one fetch and show first;
 * tiers, keys and usage load on their own, so that a slow Prometheus does not hold the page.
 * An entity the model's InferenceService does not name back gets only the reason (and, for an
 * admin, the Adopt action).
 */
export function UsageTab() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const mayRead = usePermission({
    permission: maasModelReadPermission,
    resourceRef: entityRef,
  });
  const mayReadAll = usePermission({
    permission: maasUsageReadAllPermission,
    resourceRef: entityRef,
  });
  const model = useModel(entityRef);
  const binding = useBinding(entityRef);
  const tiers = useModelTiers(entityRef);
  // Calls sent from Try it: the Quota card reads the quota again after each.
  const [playgroundCalls, setPlaygroundCalls] = useState(0);
  // Keys issued, revealed or changed in Your keys: Try it reads its key list again after each.
  const [keyChanges, setKeyChanges] = useState(0);
  const choices = useMemo(
    () => (tiers.loading ? undefined : tierChoices(tiers.value?.tiers ?? [])),
    [tiers.loading, tiers.value],
  );

  if (!mayRead.loading && !mayRead.allowed) {
    return (
      <Alert severity="warning">
        <AlertTitle>You may not see this model</AlertTitle>
        Its health, endpoint and usage need the maas.model.read permission. Ask
        the model's owner or a portal administrator for access.
      </Alert>
    );
  }
  if ((model.loading && !model.value) || (binding.loading && !binding.value))
    return <Progress />;
  if (binding.value && !binding.value.bound) {
    return <NotBoundCard binding={binding.value} onAdopted={binding.retry} />;
  }
  const failure = model.error ?? binding.error;
  if (failure || !model.value) {
    return (
      <Grid container spacing={2} direction="column">
        <Grid item>
          {failure && (
            <ErrorAlert
              error={failure}
              action="see this model"
              unavailableTitle="No cluster is connected"
            />
          )}
        </Grid>
      </Grid>
    );
  }

  const tierNames = (tiers.value?.tiers ?? []).map(t => t.name);
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={5}>
        <HealthCard model={model.value} />
      </Grid>
      <Grid item xs={12} md={7}>
        <EndpointCard model={model.value} />
      </Grid>
      <Grid item xs={12} lg={5}>
        <TiersCard tiers={tiers} />
      </Grid>
      <Grid item xs={12} lg={7}>
        {model.value.authMode === 'oidc' ? (
          <OidcAccess model={model.value} />
        ) : (
          <ModelKeysCard
            entityRef={entityRef}
            modelName={model.value.modelName}
            tiers={choices}
            onKeysChanged={() => setKeyChanges(n => n + 1)}
          />
        )}
      </Grid>
      {binding.value?.canSeeOutsideKeys && (
        <Grid item xs={12}>
          <OutsideKeysCard entityRef={entityRef} />
        </Grid>
      )}
      <Grid item xs={12}>
        <PlaygroundCard
          entityRef={entityRef}
          model={model.value}
          onCalled={() => setPlaygroundCalls(n => n + 1)}
          keysRefresh={keyChanges}
        />
      </Grid>
      <Grid item xs={12}>
        <QuotaCard
          entityRef={entityRef}
          mayReadAll={mayReadAll.allowed}
          refresh={playgroundCalls}
        />
      </Grid>
      <Grid item xs={12}>
        <UsageCharts
          entityRef={entityRef}
          tiers={tierNames}
          mayReadAll={mayReadAll.allowed}
        />
      </Grid>
    </Grid>
  );
}
