import express from 'express';
import Router from 'express-promise-router';
import { ModelLookup } from '../permissions/lookupModel';
import { AdoptionService } from './AdoptionService';

/**
 * `GET /models/by-entity/binding`: whether the model's InferenceService names the entity back
 * (the Usage tab shows nothing else when not). `POST /models/by-entity/adopt`: an admin
 * (`maas.adminGroups`) binds a model deployed outside the portal to the entity, with the
 * entity's owner as the model's owner. `GET /models/by-entity/outside-keys` and
 * `POST /models/by-entity/outside-keys/:name/revoke`: admins see and revoke API-key Secrets the
 * model's AuthPolicies select that the portal did not issue. What each decides is
 * {@link AdoptionService}'s.
 */
export function createAdoptionRouter(options: {
  lookupModel: ModelLookup;
  adoption: AdoptionService;
}): express.Router {
  const { lookupModel, adoption } = options;
  const router = Router();

  router.get('/models/by-entity/outside-keys', async (req, res) => {
    const { service, credentials, ref } = await lookupModel(req);
    res.json(await adoption.listOutsideKeys(credentials, ref, service));
  });

  router.post(
    '/models/by-entity/outside-keys/:name/revoke',
    async (req, res) => {
      const { service, credentials, ref } = await lookupModel(req);
      await adoption.revokeOutsideKey(
        credentials,
        ref,
        service,
        req.params.name,
      );
      res.status(204).end();
    },
  );

  router.get('/models/by-entity/binding', async (req, res) => {
    const { credentials, ref, binding } = await lookupModel(req);
    res.json(await adoption.view(credentials, ref, binding));
  });

  router.post('/models/by-entity/adopt', async (req, res) => {
    const { credentials, ref, binding } = await lookupModel(req);
    const result = await adoption.adopt(credentials, ref, binding);
    res.status(result.adopted ? 201 : 200).json(result.binding);
  });

  return router;
}
