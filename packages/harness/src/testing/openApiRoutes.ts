import { readFileSync } from 'node:fs';
import YAML from 'yaml';

/** `METHOD /path` of every operation an OpenAPI document describes, as the route tables of tests name them. */
export function openApiRoutes(specFile: string): string[] {
  const spec = YAML.parse(readFileSync(specFile, 'utf8'));
  return Object.entries((spec.paths ?? {}) as Record<string, object>)
    .flatMap(([path, methods]) =>
      Object.keys(methods).map(method => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}
