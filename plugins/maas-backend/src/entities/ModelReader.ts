import {
  ModelTiers,
  ModelView,
  ObjectRef,
} from '@maas-portal/plugin-maas-common';
import { ModelRef } from './ModelRef';
import { RouteLimits } from '../gateway/routeCounting';

/**
 * What the slices about one model (tiers, usage, quota, adoption, keys) ask of the models slice:
 * read from the cluster's watch caches by `models/ModelService.ts`, wired in plugin.ts.
 */
export interface ModelReader {
  getModel(ref: ModelRef): ModelView & { warnings: string[] };
  getTiers(ref: ModelRef): ModelTiers;
  /** The limits that make Limitador count calls on a route (`<namespace>/<name>`). */
  routeLimits(limitadorNamespace: string): RouteLimits | undefined;
  /** The route (Limitador's namespace) that serves an InferenceService, if the cache holds one. */
  limitadorNamespaceOf(inferenceService: ObjectRef): string | undefined;
}
