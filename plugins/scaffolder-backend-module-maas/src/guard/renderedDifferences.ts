import { isDeepStrictEqual } from 'node:util';

/** Long values (a rego rule, the catalog entities) are cut in a refusal: the field says enough. */
const SHOWN = 80;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value as a refusal shows it: a string or number as written, an object or list by its keys or
 * length. The task log is read by whoever ran the template; a dump of an object helps nobody.
 */
const show = (value: unknown) => {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isRecord(value)) {
    const keys = Object.keys(value);
    return keys.length
      ? `an object with ${keys.slice(0, 5).join(', ')}${
          keys.length > 5 ? ', …' : ''
        }`
      : 'an empty object';
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
};

/** `spec.rules`, `metadata.annotations["serving.kserve.io/x"]`: the field as one would write it. */
const fieldOf = (path: string, key: string) => {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
};

/** A string holding a JSON object or list (the catalog entities annotation), else undefined. */
function jsonIn(value: string): object | undefined {
  if (!/^\s*[[{]/.test(value)) return undefined;
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function differences(
  given: unknown,
  rendered: unknown,
  field: string,
): string[] {
  if (isDeepStrictEqual(given, rendered)) return [];
  if (given === undefined)
    return [`${field} is missing; maas:model:render writes ${show(rendered)}`];
  if (rendered === undefined)
    return [`${field} is ${show(given)}; maas:model:render does not write it`];
  // JSON in a string (the InferenceService's catalog entities): compared field by field, so that
  // a changed owner inside is named as such.
  if (typeof given === 'string' && typeof rendered === 'string') {
    const [g, r] = [jsonIn(given), jsonIn(rendered)];
    if (g && r) return differences(g, r, field);
  }
  if (Array.isArray(given) && Array.isArray(rendered)) {
    const length = Math.max(given.length, rendered.length);
    return Array.from({ length }, (_, i) =>
      differences(given[i], rendered[i], `${field}[${i}]`),
    ).flat();
  }
  if (isRecord(given) && isRecord(rendered)) {
    const keys = [
      ...new Set([...Object.keys(rendered), ...Object.keys(given)]),
    ];
    return keys.flatMap(key =>
      differences(given[key], rendered[key], fieldOf(field, key)),
    );
  }
  return [
    `${field} is ${show(given)}; maas:model:render writes ${show(rendered)}`,
  ];
}

const describe = (object: any) =>
  `${object?.kind ?? 'an object without kind'} ${
    object?.metadata?.namespace ?? ''
  }/${object?.metadata?.name ?? ''}`;

/**
 * Where the objects given to `maas:model:apply` differ from what `maas:model:render` writes for
 * the same model (`rendered`), each naming the object and the field: a route to another backend,
 * an AuthPolicy rule or selector of its own, an extra container argument or variable, another
 * owner or host name. The shape check (`manifestShape.ts`) bounds the fields; this bounds the
 * values. Empty when the objects are exactly the render's.
 */
export function renderedDifferences(
  objects: unknown[],
  rendered: object[],
): string[] {
  // As the template hands them over: through JSON (no undefined fields).
  const expected = JSON.parse(JSON.stringify(rendered)) as object[];
  const list = (items: unknown[]) => items.map(describe).join(', ');
  if (
    objects.length !== expected.length ||
    objects.some((o, i) => describe(o) !== describe(expected[i]))
  ) {
    return [
      `the objects are ${list(objects)}; maas:model:render writes ${list(
        expected,
      )} for this model`,
    ];
  }
  return objects.flatMap((object, i) =>
    differences(object, expected[i], '').map(
      problem => `${describe(object)}: ${problem}`,
    ),
  );
}
