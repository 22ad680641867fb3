import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheBundle } from './productionBundle';

describe('cacheBundle', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maas-e2e-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function bundle(name: string, text: string) {
    const path = join(dir, name);
    mkdirSync(join(path, 'static'), { recursive: true });
    writeFileSync(join(path, 'index.html'), text);
    writeFileSync(join(path, 'static', 'main.js'), text);
    return path;
  }

  it('caches a bundle whole under its hash', () => {
    const cached = join(dir, 'cache', 'app-dist', '0123abcd');
    cacheBundle(bundle('dist', 'first'), cached);
    expect(readFileSync(join(cached, 'static', 'main.js'), 'utf8')).toBe(
      'first',
    );
    expect(readdirSync(join(dir, 'cache', 'app-dist'))).toEqual(['0123abcd']);
  });

  it("keeps the entry of a run that cached the same hash first, and leaves no partial copy (the rename's ENOTEMPTY)", () => {
    const cached = join(dir, 'cache', '0123abcd');
    cacheBundle(bundle('dist-a', 'first'), cached);
    expect(() => cacheBundle(bundle('dist-b', 'second'), cached)).not.toThrow();
    expect(readFileSync(join(cached, 'index.html'), 'utf8')).toBe('first');
    expect(readdirSync(join(dir, 'cache'))).toEqual(['0123abcd']);
  });

  it('fails when the copy cannot be cached and no other run cached it', () => {
    const cached = join(dir, 'cache', '0123abcd');
    expect(() => cacheBundle(join(dir, 'no-such-dist'), cached)).toThrow(
      /ENOENT/,
    );
    expect(existsSync(cached)).toBe(false);
  });
});
