import { Table, TableColumn } from '@backstage/core-components';
import { TopUser } from '@maas-portal/plugin-maas-common';

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

const columns: TableColumn<TopUser>[] = [
  { title: 'User', field: 'user' },
  { title: 'Tier', field: 'tier' },
  {
    title: 'Calls',
    field: 'calls',
    type: 'numeric',
    defaultSort: 'desc',
    render: u => whole(u.calls),
  },
  {
    title: 'Tokens',
    field: 'tokens',
    type: 'numeric',
    render: u => whole(u.tokens),
  },
];

/** The model's heaviest callers over the range; only for holders of maas.usage.read-all. */
export function TopUsersTable(props: { users: TopUser[] }) {
  return (
    <Table<TopUser>
      title="Top users"
      columns={columns}
      data={props.users}
      options={{
        paging: props.users.length > 10,
        pageSize: 10,
        padding: 'dense',
        search: props.users.length > 10,
      }}
      emptyContent={
        <div style={{ padding: 16 }}>
          Nobody called this model in this range.
        </div>
      }
    />
  );
}
