import { TableColumn } from '@backstage/core-components';
import { KeyRequest } from '@maas-portal/plugin-maas-common';
import { formatDateTime } from '../../format/dates';
import { ModelLink } from './ModelLink';

/**
 * The model column, for lists that span models; none on a model's own page. It links to the
 * model's catalog page; search and sort still go by the InferenceService's name.
 */
export function modelColumns<T extends { model: string; entityRef: string }>(
  show: boolean,
): TableColumn<T>[] {
  return show
    ? [
        {
          title: 'Model',
          field: 'model',
          render: row => <ModelLink entityRef={row.entityRef} />,
        },
      ]
    : [];
}

/**
 * A column of a one-word value (a tier, a state): on one line, since Backstage's theme lets table
 * cells break inside words ("enterpris e") when the column is narrow.
 */
export function wordColumn<T extends object>(
  title: string,
  field: keyof T & string,
): TableColumn<T> {
  return { title, field, cellStyle: { whiteSpace: 'nowrap' } };
}

/** A column of one timestamp field, as {@link formatDateTime} writes it. */
export function dateColumn<T extends object>(
  title: string,
  field: keyof T & string,
): TableColumn<T> {
  return {
    title,
    field,
    render: row => formatDateTime(row[field] as string | undefined),
  };
}

/** What a key request asks for: a new key, or another tier for a key. */
export const requestKindColumn: TableColumn<KeyRequest> = {
  title: 'Request',
  field: 'kind',
  render: r => (r.kind === 'new-key' ? 'new key' : 'tier change'),
};
