import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

/** The repository root: this package lives in packages/e2e. */
export const repoRoot = resolvePackagePath('@maas-portal/e2e', '..', '..');

/** The README's install steps, each the code block under `<!-- fresh-app-step: <name> -->`. */
export type StepName =
  | 'add-packages'
  | 'backend'
  | 'app'
  | 'app-config'
  | 'build-and-start';

/** The code blocks of README.md's "Install into your own Backstage", by step. */
export function readmeSteps(readme = join(repoRoot, 'README.md')) {
  const text = readFileSync(readme, 'utf8');
  const steps = new Map<string, string>();
  const marker =
    /<!-- fresh-app-step: ([a-z-]+) -->\s*```[a-z]*\n([\s\S]*?)\n```/g;
  for (const [, name, code] of text.matchAll(marker)) {
    if (steps.has(name))
      throw new Error(`README.md marks two blocks fresh-app-step: ${name}`);
    steps.set(name, code);
  }
  return (name: StepName) => {
    const code = steps.get(name);
    if (code === undefined)
      throw new Error(
        `README.md has no code block under <!-- fresh-app-step: ${name} -->; the fresh app test runs the README's install steps from these blocks`,
      );
    return code;
  };
}

/**
 * The environment of a platform engineer's shell: none of the test runner's (NODE_ENV=test, Jest's
 * variables) and none of the monorepo's Yarn (its project, its scripts' variables), so that the
 * app's own Yarn and Node resolution see only the app.
 */
export function appShellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (
      /^(JEST_|npm_|BERRY_)/.test(name) ||
      [
        'NODE_ENV',
        'NODE_OPTIONS',
        'INIT_CWD',
        'PROJECT_CWD',
        'YARN_IGNORE_PATH',
      ].includes(name)
    )
      delete env[name];
  // Adding packages changes the app's lockfile, also where CI is set (which makes Yarn refuse).
  return { ...env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', ...extra };
}

/** The last lines of a log, for an error message. */
function logTail(logFile: string, lines = 40) {
  return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * Runs a shell command in `cwd`, its output appended to `logFile`; fails naming `step` and the
 * command, with the end of the log.
 */
export function run(
  step: string,
  command: string,
  options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  writeFileSync(options.logFile, `\n$ ${command}\n`, { flag: 'a' });
  const out = openSync(options.logFile, 'a');
  return new Promise((ok, fail) => {
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd,
      env: options.env ?? appShellEnv(),
      stdio: ['ignore', out, out],
    });
    child.once('error', fail);
    child.once('exit', code =>
      code === 0
        ? ok()
        : fail(
            new Error(
              `fresh app, step "${step}": \`${command}\` in ${
                options.cwd
              } exited with ${code}; ${options.logFile} ends with:\n${logTail(
                options.logFile,
              )}`,
            ),
          ),
    );
  });
}

/** The tarballs of scripts/pack-plugins.sh, by package name: `@maas-portal/<file name>`. */
export function tarballs(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter(file => file.endsWith('.tgz'))
      .map(file => [
        `@maas-portal/${file.replace(/\.tgz$/, '')}`,
        join(dir, file),
      ]),
  );
}

/**
 * Step "add-packages": the README's `yarn add` lines, each `@maas-portal/<name>` added as
 * `@maas-portal/<name>@file:<its tarball>`; the root package.json's `resolutions` point every
 * suite package (the ones the added ones depend on, too) at its tarball, as a registry would
 * serve them.
 */
export async function addPackages(
  app: string,
  code: string,
  packed: Map<string, string>,
  logFile: string,
) {
  const rootManifest = join(app, 'package.json');
  const manifest = JSON.parse(readFileSync(rootManifest, 'utf8'));
  manifest.resolutions = {
    ...manifest.resolutions,
    ...Object.fromEntries(
      [...packed].map(([name, file]) => [name, `file:${file}`]),
    ),
  };
  writeFileSync(rootManifest, `${JSON.stringify(manifest, null, 2)}\n`);
  const lines = code.split('\n').filter(line => line.trim());
  for (const line of lines) {
    const command = line.replace(/@maas-portal\/[a-z0-9-]+/g, name => {
      const file = packed.get(name);
      if (!file)
        throw new Error(
          `fresh app, step "add-packages": the README adds ${name}, which scripts/pack-plugins.sh did not pack`,
        );
      return `${name}@file:${file}`;
    });
    await run('add-packages', command, { cwd: app, logFile });
  }
}

/**
 * The fresh app's yarn.lock, checked: every suite package resolved from its tarball, nothing from
 * the monorepo (no workspace, link or portal resolution, no path into it).
 */
export function lockfileProblems(app: string, packed: Map<string, string>) {
  const lock = readFileSync(join(app, 'yarn.lock'), 'utf8');
  const problems: string[] = [];
  if (lock.includes(repoRoot))
    problems.push(`yarn.lock names a path in the monorepo (${repoRoot})`);
  for (const [name, file] of packed) {
    const resolutions = [
      ...lock.matchAll(/^ {2}resolution: "(@maas-portal\/[^@"]+)@([^"]+)"$/gm),
    ].filter(([, resolved]) => resolved === name);
    if (resolutions.length === 0)
      problems.push(`yarn.lock does not resolve ${name}`);
    for (const [, , how] of resolutions)
      if (!how.startsWith(`file:${file}#`))
        problems.push(`${name} resolves as ${how}, not from ${file}`);
  }
  for (const [line] of lock.matchAll(
    /^.*@maas-portal\/.*(workspace|link|portal):.*$/gm,
  ))
    problems.push(`yarn.lock: ${line}`);
  return problems;
}

/** Step "backend": the README's lines, inserted before the backend's `backend.start()`. */
export function addBackendFeatures(app: string, code: string) {
  const file = join(app, 'packages', 'backend', 'src', 'index.ts');
  const source = readFileSync(file, 'utf8');
  const start = source.indexOf('backend.start()');
  if (start < 0)
    throw new Error(
      `fresh app, step "backend": ${file} has no backend.start() to add the README's lines before`,
    );
  writeFileSync(
    file,
    `${source.slice(0, start)}${code}\n\n${source.slice(start)}`,
  );
}

/**
 * Step "app": the README's import, after the last import of packages/app/src/App.tsx, and the
 * imported plugin first in `createApp({ features: [...] })`, as its text says.
 */
export function addAppFeature(app: string, code: string) {
  const file = join(app, 'packages', 'app', 'src', 'App.tsx');
  const source = readFileSync(file, 'utf8');
  const imported = /^import (\w+) from '[^']+';$/m.exec(code);
  if (!imported)
    throw new Error(
      `fresh app, step "app": the README's block is not one default import (import x from '...';): ${code}`,
    );
  const lastImport = [...source.matchAll(/^import .*;$/gm)].pop();
  if (!lastImport || !source.includes('features: ['))
    throw new Error(
      `fresh app, step "app": ${file} has no imports or no createApp({ features: [...] }) to add ${imported[1]} to`,
    );
  const afterImports = lastImport.index! + lastImport[0].length;
  writeFileSync(
    file,
    `${source.slice(0, afterImports)}\n${code}${source
      .slice(afterImports)
      .replace('features: [', `features: [${imported[1]}, `)}`,
  );
}

/** Maps merged key by key, lists appended: what adding the README's keys to a file means. */
function merged(base: unknown, added: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(added)) return [...base, ...added];
  if (
    base &&
    added &&
    typeof base === 'object' &&
    typeof added === 'object' &&
    !Array.isArray(base) &&
    !Array.isArray(added)
  ) {
    const result: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(added))
      result[key] = key in result ? merged(result[key], value) : value;
    return result;
  }
  return added;
}

/**
 * Step "app-config": the README's keys added to the app's app-config.yaml (its lists, such as
 * catalog.locations, extended), and the Create model template copied where its location points.
 */
export function addAppConfig(app: string, code: string) {
  const file = join(app, 'app-config.yaml');
  const added = parse(code);
  writeFileSync(
    file,
    stringify(merged(parse(readFileSync(file, 'utf8')), added)),
  );
  const templates = (added?.catalog?.locations ?? []).filter(
    (location: { target: string }) =>
      location.target.endsWith('templates/create-model/template.yaml'),
  );
  if (templates.length !== 1)
    throw new Error(
      `fresh app, step "app-config": the README's block has no catalog location of templates/create-model/template.yaml`,
    );
  const target = join(app, 'packages', 'backend', templates[0].target);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(
    join(repoRoot, 'templates', 'create-model', 'template.yaml'),
    target,
  );
  if (!existsSync(target))
    throw new Error(`fresh app, step "app-config": ${target} was not copied`);
}
