import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';

/**
 * A user as people read it: `alice` for `user:default/alice`; a name that is not an entity ref
 * (an id the gateway knows a caller by) as it is.
 */
export function readableUser(ref: string): string {
  return readableRef(ref, 'user');
}

/** An entity ref as people read it, without the default kind and namespace. */
export function readableRef(ref: string, defaultKind: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ref, { defaultKind }), {
      defaultKind,
    });
  } catch {
    return ref;
  }
}

/**
 * A model as people call it in a sentence: its catalog entity's name (`simulator`), not the
 * `<namespace>/<name>` of its InferenceService.
 */
export function readableModel(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}
