import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  MODEL_CATALOG_CHANGED_TOPIC,
  ModelCatalogChanged,
} from '@maas-portal/plugin-maas-common';
import { ModelCreateGate } from '../guard/ModelCreateGate';
import { examples } from './modelRegister.examples';

/** How long the step waits for the catalog: the catalog module reads at once, then processes. */
const DEFAULT_WAIT_MS = 15_000;
const POLL_MS = 250;

/**
 * `maas:model:register`: after `maas:model:apply`, tells the suite's catalog module that the
 * model is on the cluster (an event on {@link MODEL_CATALOG_CHANGED_TOPIC}) and waits until the
 * catalog serves its entity to the user who runs the template, so that the run's "Open the model"
 * link works as soon as the run ends. The model is applied either way: a catalog that takes
 * longer is said in the log, not failed.
 *
 * @public
 */
export function createModelRegisterAction(options: {
  catalog: CatalogService;
  events: EventsService;
  gate: ModelCreateGate;
  /** How long to wait for the entity; 15 s. */
  waitMs?: number;
}) {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  return createTemplateAction({
    id: 'maas:model:register',
    description:
      'Registers a model that maas:model:apply applied in the catalog at once (through the MaaS catalog module) and waits until the catalog serves its entity',
    examples,
    schema: {
      input: {
        entityRef: z =>
          z.string({
            description:
              "The model's Component: `${{ steps.render.output.entityRef }}`",
          }),
        inferenceService: z =>
          z.string({
            description:
              'Its InferenceService, `<namespace>/<name>`: `${{ steps.render.output.inferenceService }}`',
          }),
      },
      output: {
        registered: z =>
          z.boolean({
            description: 'Whether the catalog served the entity in time',
          }),
        waitedMs: z =>
          z.number({ description: 'How long the catalog took, in ms' }),
      },
    },
    async handler(ctx) {
      await options.gate.creator(ctx);
      let entityRef: string;
      try {
        entityRef = stringifyEntityRef(parseEntityRef(ctx.input.entityRef));
      } catch {
        throw new InputError(
          `entityRef "${ctx.input.entityRef}" is not a catalog reference such as "component:default/qwen3"`,
        );
      }
      const payload: ModelCatalogChanged = {
        entityRef,
        inferenceService: ctx.input.inferenceService,
      };
      const started = Date.now();
      await options.events.publish({
        topic: MODEL_CATALOG_CHANGED_TOPIC,
        eventPayload: payload,
      });
      const credentials = await ctx.getInitiatorCredentials();
      for (;;) {
        const entity = await options.catalog
          .getEntityByRef(entityRef, { credentials })
          .catch((error: Error) => {
            // The error may name the catalog's internal address: the task log says what failed.
            ctx.logger.warn(
              `The catalog did not answer${
                error.name && error.name !== 'Error' ? ` (${error.name})` : ''
              }`,
            );
            return null;
          });
        const waitedMs = Date.now() - started;
        if (entity) {
          ctx.logger.info(
            `${entityRef} is in the catalog (after ${waitedMs} ms)`,
          );
          ctx.output('registered', true);
          ctx.output('waitedMs', waitedMs);
          return;
        }
        if (entity === null || waitedMs + POLL_MS > waitMs) {
          ctx.logger.warn(
            `The model is applied, but the catalog does not show ${entityRef} yet; it appears within a minute, registered from the cluster`,
          );
          ctx.output('registered', false);
          ctx.output('waitedMs', waitedMs);
          return;
        }
        await new Promise(r => setTimeout(r, POLL_MS));
      }
    },
  });
}
