import { MAAS_KEY_LABELS } from '@maas-portal/plugin-maas-common';
import { renderModel } from '../manifests/renderModel';
import {
  ModelDefaults,
  ModelInput,
  validateModelSpec,
} from '../manifests/validateModelSpec';

/**
 * What Create model can write, field by field: learnt from the renderer itself (every runtime,
 * auth mode and optional field), so that the allow-list never drifts from the form.
 */
type Shape =
  | { type: 'leaf' }
  | {
      type: 'record';
      fields: Map<string, Shape>;
      /** The key sets the renderer wrote here: a given object must have one of them exactly. */
      keysets: Set<string>;
    }
  | { type: 'map'; fields: Map<string, Shape> }
  | { type: 'list'; item: Shape; max: number };

/** Objects whose keys depend on the input: any of the keys seen may be left out. */
const MAP_PATHS = new Set([
  'metadata.labels',
  'metadata.annotations',
  'spec.limits',
]);

/** The allowed shape of each kind Create model applies, by `<apiVersion> <kind>`. */
export type ManifestShape = Map<string, Shape>;

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const typeOf = (path: string, value: unknown): Shape['type'] => {
  if (Array.isArray(value)) return 'list';
  if (value && typeof value === 'object')
    return MAP_PATHS.has(path) ? 'map' : 'record';
  return 'leaf';
};

function learn(shape: Shape | undefined, value: unknown, path: string): Shape {
  const type = typeOf(path, value);
  if (shape && shape.type !== type)
    throw new Error(`the renderer writes ${path} in two shapes`);
  if (type === 'leaf') return { type };
  if (type === 'list') {
    const items = value as unknown[];
    const list = (shape ?? { type, item: undefined, max: 0 }) as {
      type: 'list';
      item?: Shape;
      max: number;
    };
    for (const item of items) list.item = learn(list.item, item, `${path}[]`);
    list.max = Math.max(list.max, items.length);
    list.item ??= { type: 'leaf' };
    return list as Shape;
  }
  const node = (shape ?? {
    type,
    fields: new Map(),
    ...(type === 'record' ? { keysets: new Set() } : {}),
  }) as Shape & { fields: Map<string, Shape> };
  const entries = Object.entries(value as object);
  for (const [key, child] of entries)
    node.fields.set(key, learn(node.fields.get(key), child, join(path, key)));
  if (node.type === 'record')
    node.keysets.add(JSON.stringify(entries.map(([k]) => k).sort()));
  return node;
}

/** The shape of every object Create model renders with this portal's config. */
export function modelManifestShape(defaults: ModelDefaults): ManifestShape {
  const shapes: ManifestShape = new Map();
  const input: ModelInput = {
    name: 'sample',
    owner: 'group:default/sample',
    system: 'system:default/sample',
    description: 'sample',
    serving: { type: 'vllm', storageUri: 'hf://sample/sample' },
    auth: { type: 'api-key' },
  };
  for (const serving of ['vllm', 'simulator'] as const)
    for (const auth of [
      { type: 'api-key' as const },
      { type: 'oidc' as const, issuerUrl: 'https://issuer.example.com' },
    ]) {
      const result = validateModelSpec(
        { ...input, serving: { ...input.serving, type: serving }, auth },
        defaults,
      );
      if (!result.spec)
        throw new Error(`sample model: ${JSON.stringify(result.problems)}`);
      const { objects } = renderModel(result.spec, {
        catalogSource: 'cluster',
      });
      for (const object of objects) {
        const key = `${object.apiVersion} ${object.kind}`;
        shapes.set(key, learn(shapes.get(key), object, ''));
      }
    }
  return shapes;
}

const keysetList = (keysets: Set<string>) =>
  [...keysets]
    .map(k => (JSON.parse(k) as string[]).join(', '))
    .map(k => `{${k}}`)
    .join(' or ');

function refusals(shape: Shape, value: unknown, field: string): string[] {
  const type = typeOf(field, value);
  const expected = shape.type === 'map' ? 'record' : shape.type;
  if ((type === 'map' ? 'record' : type) !== expected) {
    return [`${field} is ${type === 'leaf' ? 'a value' : `a ${type}`} here`];
  }
  if (shape.type === 'leaf') return [];
  if (shape.type === 'list') {
    const items = value as unknown[];
    const tooMany =
      shape.item.type !== 'leaf' && items.length > shape.max
        ? [
            `${field} has ${items.length} items; Create model writes ${shape.max}`,
          ]
        : [];
    return [
      ...tooMany,
      ...items.flatMap((item, i) =>
        refusals(shape.item, item, `${field}[${i}]`),
      ),
    ];
  }
  const keys = Object.keys(value as object);
  const unknown = keys
    .filter(k => !shape.fields.has(k))
    .map(k => `${join(field, k)} is not a field Create model writes`);
  const nested = keys
    .filter(k => shape.fields.has(k))
    .flatMap(k =>
      refusals(shape.fields.get(k)!, (value as any)[k], join(field, k)),
    );
  // Fields left out, or alternatives mixed (API keys and OIDC at once), for a record whose own
  // fields are all known.
  const keyset =
    shape.type === 'record' &&
    unknown.length === 0 &&
    !shape.keysets.has(JSON.stringify([...keys].sort()))
      ? [
          `${field} must hold ${keysetList(
            shape.keysets,
          )}, as Create model writes it; it holds {${keys.join(', ')}}`,
        ]
      : [];
  return [...unknown, ...keyset, ...nested];
}

/** The key selector of a model's API-key AuthPolicy must select that very model's keys. */
function keySelectorRefusal(object: any): string | undefined {
  const apiKeys = Object.values(
    object?.spec?.rules?.authentication ?? {},
  ).filter((a: any) => a?.apiKey);
  for (const auth of apiKeys as any[]) {
    const labels = auth.apiKey.selector?.matchLabels ?? {};
    if (
      labels[MAAS_KEY_LABELS.modelNamespace] !== object.metadata?.namespace ||
      labels[MAAS_KEY_LABELS.model] !==
        object.metadata?.labels?.[MAAS_KEY_LABELS.model]
    )
      return `its API-key selector must select the keys of its own model (${MAAS_KEY_LABELS.model}, ${MAAS_KEY_LABELS.modelNamespace})`;
  }
  return undefined;
}

/**
 * Why objects given to `maas:model:apply` are not what Create model renders: another kind, a
 * field the form cannot produce (volumes, hostPath, a second container, securityContext, ...), a
 * field left out, or an AuthPolicy that selects another model's keys. Each names the object and
 * the field. Empty when every object has the rendered shape.
 */
export function shapeRefusals(
  objects: unknown[],
  shapes: ManifestShape,
): string[] {
  const kinds = [...shapes.keys()].map(k => k.split(' ')[1]).join(', ');
  return (objects as any[]).flatMap(object => {
    const what = `${object?.kind ?? 'an object without kind'} ${
      object?.metadata?.namespace ?? ''
    }/${object?.metadata?.name ?? ''}`;
    const shape = shapes.get(`${object?.apiVersion} ${object?.kind}`);
    if (!shape)
      return [
        `${what} (${object?.apiVersion}) is not a kind Create model applies; it applies ${kinds}`,
      ];
    const problems = refusals(shape, object, '');
    const selector =
      object.kind === 'AuthPolicy' ? keySelectorRefusal(object) : undefined;
    return [...problems, ...(selector ? [selector] : [])].map(
      p => `${what}: ${p}`,
    );
  });
}
