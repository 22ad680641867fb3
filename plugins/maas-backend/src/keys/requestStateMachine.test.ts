import { ConflictError } from '@backstage/errors';
import { KeyRequestState } from '@maas-portal/plugin-maas-common';
import {
  assertTransition,
  canTransition,
  KEY_REQUEST_STATES,
} from './requestStateMachine';

const ALLOWED: Array<[KeyRequestState, KeyRequestState]> = [
  ['pending', 'approved'],
  ['pending', 'rejected'],
  ['pending', 'cancelled'],
  ['approved', 'issued'],
  ['approved', 'failed'],
];

const ILLEGAL = KEY_REQUEST_STATES.flatMap(from =>
  KEY_REQUEST_STATES.map(
    to => [from, to] as [KeyRequestState, KeyRequestState],
  ),
).filter(([from, to]) => !ALLOWED.some(([f, t]) => f === from && t === to));

describe('key request state machine', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(ILLEGAL)(
    'refuses %s → %s with a ConflictError naming both',
    (from, to) => {
      expect(canTransition(from, to)).toBe(false);
      let thrown: unknown;
      try {
        assertTransition(from, to);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConflictError);
      expect((thrown as Error).message).toContain(`from ${from} to ${to}`);
    },
  );

  it('says what a state can still become', () => {
    expect(() => assertTransition('approved', 'rejected')).toThrow(
      'A key request cannot go from approved to rejected; from approved it can only become issued, failed',
    );
    expect(() => assertTransition('issued', 'cancelled')).toThrow(
      /from issued it can only become nothing \(it is final\)/,
    );
    expect(() => assertTransition('failed', 'issued')).toThrow(
      /from failed it can only become nothing \(it is final\)/,
    );
  });
});
