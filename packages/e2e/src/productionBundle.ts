import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository root: this package lives in packages/e2e. */
const root = resolvePackagePath('@maas-portal/e2e', '..', '..');

/**
 * What goes into the app's bundle: the app, the workspace packages it bundles (the frontend plugin
 * and its browser-safe common package), the lockfile and the config the build reads.
 */
const BUNDLE_INPUTS = [
  'packages/app',
  'plugins/maas',
  'plugins/maas-common',
  'yarn.lock',
  'app-config.yaml',
];

/** Cached bundles kept besides the newest: enough for switching between two branches. */
const KEEP = 2;

export interface ProductionBundle {
  /** The hash of the bundle's inputs, which names its cache entry. */
  hash: string;
  /** True when this call ran `yarn build` (the cache had no bundle of these sources). */
  built: boolean;
  /** How long the build, or the copy from the cache, took. */
  ms: number;
}

function files(dir: string): string[] {
  const path = join(root, dir);
  if (!statSync(path).isDirectory()) return [dir];
  return readdirSync(path, { withFileTypes: true })
    .filter(e => !['node_modules', 'dist', 'dist-types'].includes(e.name))
    .flatMap(e => files(join(dir, e.name)));
}

/** A hash of the bundle's inputs as they are in the work tree (committed or not). */
export function bundleHash(): string {
  const hash = createHash('sha256');
  for (const file of BUNDLE_INPUTS.flatMap(files).sort()) {
    hash.update(file).update('\0');
    hash.update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function cacheDir(): string {
  const base =
    process.env.MAAS_CACHE_DIR ??
    join(
      process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
      'maas-backstage',
    );
  return join(base, 'app-dist');
}

/** Names, in a bundle, the hash of the sources it was built from. */
const HASH_FILE = '.maas-bundle-hash';

/** A lock older than this is a build that died: taken over. */
const STALE_LOCK_MS = 15 * 60_000;

/** The hash a bundle folder was built from, if it says. */
function builtFrom(bundle: string): string | undefined {
  const file = join(bundle, HASH_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * True when this run may build (it made the lock); false when another run built the same hash
 * meanwhile, so that `cached` is there to copy.
 */
export function takeBuildLock(lock: string, cached: string): boolean {
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > STALE_LOCK_MS)
      rmSync(lock, { recursive: true, force: true });
    else if (existsSync(cached)) return false;
    else sleep(1000);
  }
}

/** Drops all but the newest cached bundles. */
function prune(dir: string) {
  const entries = readdirSync(dir)
    // Cached bundles only: not another run's lock or partial copy.
    .filter(name => /^[0-9a-f]{16}$/.test(name))
    // Another run may rename or drop an entry meanwhile: what is gone is not pruned.
    .flatMap(name => {
      const mtime = statSync(join(dir, name), {
        throwIfNoEntry: false,
      })?.mtimeMs;
      return mtime === undefined ? [] : [{ name, mtime }];
    })
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(KEEP + 1))
    rmSync(join(dir, old.name), { recursive: true, force: true });
}

/**
 * Copies a built bundle into its cache entry `cached`, whole or not at all (a copy beside it, then
 * a rename). Another run that built the same sources at the same time may have cached them first:
 * the rename then fails (ENOTEMPTY, EEXIST), and theirs, the same bundle, is kept.
 */
export function cacheBundle(dist: string, cached: string) {
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.partial-${process.pid}`;
  cpSync(dist, partial, { recursive: true });
  try {
    renameSync(partial, cached);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(cached)) throw error;
  }
}

/**
 * Puts the app's production bundle (`yarn build` of packages/app) in `packages/app/dist`, where the
 * backend's app plugin serves it from. The build is cached under `$MAAS_CACHE_DIR/app-dist/<hash>`,
 * keyed by the hash of the app's sources and the lockfile: a run on unchanged sources copies it
 * instead of building, and not even that when dist holds it already. A copy, not a link: the app
 * plugin may write the runtime config into the bundle.
 */
export function prepareProductionBundle(): ProductionBundle {
  const started = Date.now();
  const hash = bundleHash();
  const cache = cacheDir();
  const cached = join(cache, hash);
  const dist = join(root, 'packages', 'app', 'dist');
  mkdirSync(cache, { recursive: true });
  let built = false;
  // One build of a hash at a time: two builds at once would write the same packages/app/dist.
  if (!existsSync(cached) && takeBuildLock(`${cached}.building`, cached)) {
    try {
      execFileSync('yarn', ['build'], {
        cwd: join(root, 'packages', 'app'),
        stdio: 'pipe',
        env: { ...process.env, NODE_ENV: 'production' },
      });
      writeFileSync(join(dist, HASH_FILE), hash);
      cacheBundle(dist, cached);
    } finally {
      rmSync(`${cached}.building`, { recursive: true, force: true });
    }
    prune(cache);
    built = true;
  } else if (builtFrom(dist) !== hash) {
    // Only when dist holds another bundle: a portal of another run may be serving this one.
    rmSync(dist, { recursive: true, force: true });
    cpSync(cached, dist, { recursive: true });
    writeFileSync(join(dist, HASH_FILE), hash);
  }
  return { hash, built, ms: Date.now() - started };
}
