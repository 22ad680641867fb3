import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { TierDefinition } from '@maas-portal/plugin-maas-common';
import {
  Box,
  Button,
  FormControl,
  FormHelperText,
  FormLabel,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maasApiRef } from '../../api/MaasApi';
import {
  RowProblems,
  tierLimitProblems,
  TierLimitsRow,
} from './tierLimitProblems';

type Counted = 'requests' | 'tokens';

/** A new row: the first portal tier not yet chosen, with the portal's limits for it. */
function rowFor(tier: TierDefinition | undefined): TierLimitsRow {
  return tier
    ? {
        name: tier.name,
        requests: { ...tier.requests },
        tokens: { ...tier.tokens },
      }
    : { requests: { window: '2m' }, tokens: { window: '1m' } };
}

/**
 * `ui:field: MaasTiers`: the model's tiers, each picked from the portal's tiers (`maas.tiers`,
 * read from the MaaS backend) and prefilled with its limits, which the user may change. Limits and
 * windows are checked as typed, with the allowed units named; rows are added and removed with
 * labelled buttons.
 */
export function TierLimitsField(
  props: FieldExtensionComponentProps<TierLimitsRow[]>,
) {
  const { formData, onChange, schema, rawErrors, idSchema, required } = props;
  const rows = formData ?? [];
  const maas = useApi(maasApiRef);
  const portal = useAsync(async () => (await maas.getStatus()).tiers, [maas]);
  const portalTiers = portal.value;
  const problems = tierLimitProblems(rows, portalTiers);
  /** Only what the user has typed into shows a problem, not a field still empty. */
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const touch = (key: string) => setTouched(t => new Set(t).add(key));
  const id = idSchema?.$id ?? 'tiers';

  const update = (i: number, change: (row: TierLimitsRow) => TierLimitsRow) =>
    onChange(rows.map((row, j) => (j === i ? change(row) : row)));
  const unused = portalTiers?.filter(t => !rows.some(r => r.name === t.name));

  const problemOf = (i: number, key: keyof RowProblems) =>
    touched.has(`${i}.${key}`) ? problems[i]?.[key] : undefined;

  const limitInput = (i: number, row: TierLimitsRow, counted: Counted) => {
    const limitKey = `${counted}.limit` as const;
    const windowKey = `${counted}.window` as const;
    const what = counted === 'requests' ? 'Requests' : 'Tokens';
    return (
      <Box display="flex" style={{ gap: 8 }} flexWrap="wrap">
        <TextField
          id={`${id}-${i}-${counted}-limit`}
          label={`${what} per user`}
          type="number"
          inputProps={{ min: 1, step: 1 }}
          value={row[counted]?.limit ?? ''}
          error={!!problemOf(i, limitKey)}
          helperText={problemOf(i, limitKey)}
          onChange={e => {
            touch(`${i}.${limitKey}`);
            const value = e.target.value;
            update(i, r => ({
              ...r,
              [counted]: {
                ...r[counted],
                limit: value === '' ? undefined : Number(value),
              },
            }));
          }}
        />
        <TextField
          id={`${id}-${i}-${counted}-window`}
          label={`${what} window`}
          value={row[counted]?.window ?? ''}
          error={!!problemOf(i, windowKey)}
          helperText={
            problemOf(i, windowKey) ?? 'h, m, s or ms, e.g. 2m or 24h'
          }
          onChange={e => {
            touch(`${i}.${windowKey}`);
            const value = e.target.value.trim();
            update(i, r => ({
              ...r,
              [counted]: { ...r[counted], window: value },
            }));
          }}
        />
      </Box>
    );
  };

  return (
    <FormControl
      component="fieldset"
      required={required}
      error={!!rawErrors?.length}
      fullWidth
      margin="normal"
    >
      <FormLabel component="legend">{schema.title ?? 'Tiers'}</FormLabel>
      {schema.description && (
        <FormHelperText>{schema.description}</FormHelperText>
      )}
      {portal.error && (
        <FormHelperText error>
          The portal's tiers could not be read ({portal.error.message}); type
          tier names as in config maas.tiers.
        </FormHelperText>
      )}
      {rows.map((row, i) => {
        const label = row.name ? `tier ${row.name}` : `tier ${i + 1}`;
        return (
          <Box
            key={i}
            component="section"
            aria-label={label}
            mt={2}
            p={2}
            border={1}
            borderColor="divider"
            borderRadius={4}
          >
            <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
              <TextField
                id={`${id}-${i}-name`}
                // A free-text name only when the portal's tiers cannot be read.
                select={!portal.error}
                disabled={portal.loading}
                label="Tier"
                required
                value={row.name ?? ''}
                error={!!problemOf(i, 'name')}
                helperText={problemOf(i, 'name')}
                style={{ minWidth: 200 }}
                onChange={e => {
                  touch(`${i}.name`);
                  const tier = portalTiers?.find(
                    t => t.name === e.target.value,
                  );
                  update(i, r =>
                    tier ? rowFor(tier) : { ...r, name: e.target.value },
                  );
                }}
              >
                {row.name && !portalTiers?.some(t => t.name === row.name) && (
                  // The row's tier while the portal's tiers load, or one they lack (its problem
                  // says so): the select shows it rather than an empty box.
                  <MenuItem value={row.name}>{row.name}</MenuItem>
                )}
                {(portalTiers ?? []).map(t => (
                  <MenuItem
                    key={t.name}
                    value={t.name}
                    disabled={rows.some((r, j) => j !== i && r.name === t.name)}
                  >
                    {t.name} ({t.requests.limit} requests / {t.requests.window},{' '}
                    {t.tokens.limit} tokens / {t.tokens.window})
                  </MenuItem>
                ))}
              </TextField>
              <Box flexGrow={1} />
              <Button
                startIcon={<DeleteIcon />}
                aria-label={`Remove ${label}`}
                disabled={rows.length <= 1}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                Remove
              </Button>
            </Box>
            {limitInput(i, row, 'requests')}
            {limitInput(i, row, 'tokens')}
          </Box>
        );
      })}
      <Box mt={2}>
        <Button
          variant="outlined"
          startIcon={<AddIcon />}
          disabled={!!portalTiers && unused?.length === 0}
          onClick={() => onChange([...rows, rowFor(unused?.[0])])}
        >
          Add tier
        </Button>
        {portalTiers && unused?.length === 0 && (
          <Typography variant="caption" style={{ marginLeft: 8 }}>
            Every portal tier is chosen.
          </Typography>
        )}
      </Box>
      {rawErrors?.map(error => (
        <FormHelperText key={error} error>
          {error}
        </FormHelperText>
      ))}
    </FormControl>
  );
}
