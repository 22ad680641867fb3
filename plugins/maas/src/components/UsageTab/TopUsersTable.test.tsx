import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { TopUsersTable } from './TopUsersTable';

const users = [
  { user: 'user:default/bob', tier: 'free', calls: 3, tokens: 30 },
  { user: 'user:default/carol', tier: 'premium', calls: 0, tokens: 0 },
  { user: 'user:default/alice', tier: 'premium', calls: 120, tokens: 4000 },
  { user: 'user:default/dave', tier: 'free', calls: 40, tokens: 900 },
];

const bodyRows = () =>
  screen
    .getAllByRole('row')
    .filter(row => within(row).queryAllByRole('columnheader').length === 0);

describe('TopUsersTable', () => {
  it('lists the heaviest callers first and leaves out users with no calls', async () => {
    await renderInTestApp(<TopUsersTable users={users} />);
    const rows = bodyRows();
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['alice', 'dave', 'bob']);
    expect(screen.queryByText(/carol/)).not.toBeInTheDocument();
  });

  it('marks the Calls column as sorted descending', async () => {
    await renderInTestApp(<TopUsersTable users={users} />);
    const calls = screen.getByRole('columnheader', { name: /Calls/ });
    const arrow = within(calls).getByTestId('sort-arrow');
    // Material UI leaves the arrow of a descending sort unturned: it must be a downward arrow.
    expect(arrow.getAttribute('class')).toMatch(/iconDirectionDesc/);
    expect(getComputedStyle(arrow).transform).toBe('rotate(0deg)');
    expect(arrow.querySelector('path')?.getAttribute('d')).toMatch(
      /^M20 12l-1\.41-1\.41L13 16\.17V4h-2v12\.17/,
    );
  });

  it('says so when nobody called', async () => {
    await renderInTestApp(<TopUsersTable users={[{ ...users[1] }]} />);
    expect(
      screen.getByText('Nobody called this model in this range.'),
    ).toBeInTheDocument();
  });
});
