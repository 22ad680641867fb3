import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

/**
 * maas-common is bundled into the browser app: none of its files may import a Node.js built-in
 * or the Kubernetes client (those belong in maas-node). This test alone reads files, so it
 * checks every other file.
 */
const FORBIDDEN = new Set([
  ...builtinModules,
  ...builtinModules.map(m => `node:${m}`),
  '@kubernetes/client-node',
]);

const IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name))
      : [join(dir, entry.name)],
  );
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map(m => m[1]);
}

describe('maas-common is browser-safe', () => {
  const files = filesUnder(__dirname).filter(
    f => /\.tsx?$/.test(f) && f !== __filename,
  );

  it('reads the imports of every file', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(importsOf(join(__dirname, 'entity.ts'))).toContain(
      '@backstage/catalog-model',
    );
    expect(importsOf(__filename)).toEqual(
      expect.arrayContaining(['node:fs', 'node:path']),
    );
  });

  it('imports no Node.js built-in and no Kubernetes client', () => {
    const offending = files.flatMap(file =>
      importsOf(file)
        .filter(m => FORBIDDEN.has(m) || FORBIDDEN.has(m.split('/')[0]))
        .map(m => `${relative(__dirname, file)} imports ${m}`),
    );
    expect(offending).toEqual([]);
  });
});
