// Compares every @backstage/* dependency range of the workspace's package.json files with the
// npm registry's `latest` dist-tag of that package, and with what is installed (node_modules).
// `backstage-cli versions:bump` needs versions.backstage.io for its release manifest; where only
// the npm registry is reachable, this says whether the repository is behind.
//   yarn versions:check      prints one line per package; exits 1 when one is behind
// It also says which release @backstage/create-app's `latest` makes apps on (its backstage.json),
// the other view of "the newest release" the registry gives without versions.backstage.io.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const ranges = new Map<string, Set<string>>();
for (const group of ['packages', 'plugins']) {
  for (const dir of readdirSync(join(root, group))) {
    const file = join(root, group, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
    ] as const) {
      for (const [name, range] of Object.entries<string>(pkg[field] ?? {})) {
        if (!name.startsWith('@backstage/')) continue;
        if (!ranges.has(name)) ranges.set(name, new Set());
        ranges.get(name)!.add(range);
      }
    }
  }
}
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const [name, range] of Object.entries<string>(
  rootPkg.devDependencies ?? {},
)) {
  if (!name.startsWith('@backstage/')) continue;
  if (!ranges.has(name)) ranges.set(name, new Set());
  ranges.get(name)!.add(range);
}

let behind = 0;
for (const name of [...ranges.keys()].sort()) {
  const latest = execFileSync('npm', ['view', name, 'dist-tags.latest'], {
    encoding: 'utf8',
  }).trim();
  const installedFile = join(root, 'node_modules', name, 'package.json');
  const installed = existsSync(installedFile)
    ? JSON.parse(readFileSync(installedFile, 'utf8')).version
    : '-';
  const state = installed === latest ? 'ok' : 'BEHIND';
  if (state !== 'ok') behind += 1;
  console.log(
    `${state.padEnd(6)} ${name.padEnd(60)} installed ${installed.padEnd(
      10,
    )} latest ${latest.padEnd(10)} ranges ${[...ranges.get(name)!].join(', ')}`,
  );
}
// create-app's own version table (dist/lib/versions) names the release its apps start on: `root`.
const createApp = execFileSync(
  'npm',
  ['view', '@backstage/create-app', 'dist-tags.latest'],
  { encoding: 'utf8' },
).trim();
const createAppDir = mkdtempSync(join(tmpdir(), 'create-app-'));
try {
  execFileSync('npm', ['pack', `@backstage/create-app@${createApp}`], {
    cwd: createAppDir,
    stdio: 'ignore',
  });
  execFileSync('tar', ['xzf', readdirSync(createAppDir)[0]], {
    cwd: createAppDir,
  });
  const versionsFile = join(
    createAppDir,
    'package',
    'dist',
    'package.json.cjs.js',
  );
  const release = /version = "([^"]+)"/.exec(
    readFileSync(versionsFile, 'utf8'),
  );
  console.log(
    `@backstage/create-app@${createApp} (npm latest) creates apps on Backstage ${
      release?.[1] ?? '(not found in its dist/package.json.cjs.js)'
    }`,
  );
} finally {
  rmSync(createAppDir, { recursive: true, force: true });
}
console.log(
  `${
    ranges.size
  } @backstage/* packages, ${behind} behind npm's latest; backstage.json says ${
    JSON.parse(readFileSync(join(root, 'backstage.json'), 'utf8')).version
  }`,
);
process.exit(behind > 0 ? 1 : 0);
