import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cacheBundle, takeBuildLock } from './productionBundle';

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

describe('takeBuildLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maas-e2e-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets the first run build, and makes a second one wait for its cache entry instead', async () => {
    const lock = join(dir, 'abcd.building');
    const cached = join(dir, 'abcd');
    expect(takeBuildLock(lock, cached)).toBe(true);
    // The first run, in another process, caches its bundle a second later.
    const other = spawn(process.execPath, [
      '-e',
      `setTimeout(() => require('node:fs').mkdirSync(${JSON.stringify(
        cached,
      )}), 1000)`,
    ]);
    const started = Date.now();
    expect(takeBuildLock(lock, cached)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(existsSync(cached)).toBe(true);
    await new Promise(r => other.once('exit', r));
  });

  it('takes over the lock of a build that died (older than 15 minutes)', () => {
    const lock = join(dir, 'abcd.building');
    mkdirSync(lock);
    const old = new Date(Date.now() - 16 * 60_000);
    utimesSync(lock, old, old);
    expect(takeBuildLock(lock, join(dir, 'abcd'))).toBe(true);
  });
});
