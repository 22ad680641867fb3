import {
  describeKubeError,
  modelKind,
  notServedMessage,
} from '@maas-portal/plugin-maas-node';

/** A model object as an apply step names it. */
export interface ObjectDescription {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

/** The object as a developer reads it: `AuthPolicy llm/qwen3-auth`. */
export function describeObject(object: ObjectDescription): string {
  return `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
}

/** Discovery found the group but not the kind: which product to install. */
export function notServedObjectMessage(object: ObjectDescription): string {
  const kind = modelKind(object.kind);
  return kind
    ? notServedMessage(kind)
    : `The API server does not serve ${object.kind} (${object.apiVersion})`;
}

/** Why the API server refused `verb` on a model object, in words a developer acts on. */
export function explainObjectError(
  error: unknown,
  object: ObjectDescription,
  verb: string,
  /** Who called, when not the portal's account. */
  account?: string,
): string {
  return describeKubeError(error, {
    kind: modelKind(object.kind),
    verb,
    namespace: object.metadata.namespace,
    account,
  }).message;
}
