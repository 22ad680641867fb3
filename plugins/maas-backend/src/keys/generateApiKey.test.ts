import { createHash } from 'node:crypto';
import { generateApiKey, hashApiKey } from './generateApiKey';

describe('generateApiKey', () => {
  it('makes 256 random bits after the prefix, with a SHA-256 hash and a display prefix', () => {
    const key = generateApiKey('maas_');
    expect(key.value).toMatch(/^maas_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.value.slice(5), 'base64url')).toHaveLength(32);
    expect(key.hash).toBe(createHash('sha256').update(key.value).digest('hex'));
    expect(key.hash).toBe(hashApiKey(key.value));
    expect(key.displayPrefix).toBe(`${key.value.slice(0, 9)}…`);
  });

  it('never makes the same key twice', () => {
    const values = new Set(
      Array.from({ length: 1000 }, () => generateApiKey('x_').value),
    );
    expect(values.size).toBe(1000);
  });
});
