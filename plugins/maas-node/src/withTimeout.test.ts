import { withTimeout } from './withTimeout';

describe('withTimeout', () => {
  it('passes the answer on when it comes in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'X')).resolves.toBe(42);
  });

  it('rejects naming what did not answer', async () => {
    await expect(
      withTimeout(new Promise(() => undefined), 20, 'The API server'),
    ).rejects.toThrow('The API server did not answer within 20 ms');
  });
});
