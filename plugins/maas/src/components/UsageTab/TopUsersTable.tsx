import { Table, TableColumn } from '@backstage/core-components';
import { Box } from '@material-ui/core';
import { TopUser } from '@maas-portal/plugin-maas-common';
import { sortIcons } from '../table/sortArrows';
import { readableUser } from '../../format/entityRefs';
import { tableOptions } from '../table/options';

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

const columns: TableColumn<TopUser>[] = [
  { title: 'User', field: 'user', render: u => readableUser(u.user) },
  { title: 'Tier', field: 'tier' },
  {
    title: 'Calls',
    field: 'calls',
    type: 'numeric',
    defaultSort: 'desc',
    render: u =>
      u.callsAtLeast === undefined
        ? whole(u.calls)
        : `${whole(u.callsAtLeast)}–${whole(u.calls)}`,
  },
  {
    title: 'Tokens',
    field: 'tokens',
    type: 'numeric',
    // No TokenRateLimitPolicy for the user's tier: Limitador counts no tokens of theirs.
    render: u => {
      if (u.tokens === undefined) return 'not counted';
      return u.tokensAtLeast === undefined
        ? whole(u.tokens)
        : `${whole(u.tokensAtLeast)}–${whole(u.tokens)}`;
    },
  },
];

/**
 * The model's heaviest callers over the range, most calls first; a user with no calls in the
 * range is not a top user. Only for holders of maas.usage.read-all.
 */
export function TopUsersTable(props: { users: TopUser[] }) {
  const users = props.users
    .filter(u => u.calls > 0)
    .sort((a, b) => b.calls - a.calls);
  return (
    <Table<TopUser>
      title="Top users"
      columns={columns}
      icons={sortIcons}
      data={users}
      options={tableOptions({
        pageSize: 10,
        paging: users.length > 10,
        search: users.length > 10,
      })}
      emptyContent={
        <Box padding={2}>Nobody called this model in this range.</Box>
      }
    />
  );
}
