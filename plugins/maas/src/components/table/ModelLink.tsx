import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * A model as people know it: a link to its catalog page, named as the catalog names it, instead of
 * the `<namespace>/<name>` of its InferenceService.
 */
export function ModelLink(props: { entityRef: string }) {
  return <EntityRefLink entityRef={props.entityRef} defaultKind="component" />;
}
