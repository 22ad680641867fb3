/* The key flow against the real API server, part one: a key request from asking to its decision (issue, approval, rejection, cancellation, refused input, a double approval) and key names. */
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { hashApiKey } from './generateApiKey';
import { keySecretName } from './KeySecrets';
import {
  BOB,
  BOSS,
  DAY,
  expectError,
  expectOwnerOnly,
  keyFlowDatabases,
  useKeyFlowBed,
} from '../__testUtils__/keyFlowBed';

jest.setTimeout(120_000);

describe('key requests and their decisions against the real API server', () => {
  const databases = keyFlowDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const bed = useKeyFlowBed(databases, databaseId);

    it('issues an automatic tier at once, shows the key once, and writes exactly the Secret the gateway needs', async () => {
      const owner = bed.user();
      const { request, issued } = await bed.ask(
        owner,
        'free',
        'trying the model',
      );
      expect(issued).toBeDefined();
      bed.values.push(issued!.value);
      expect(issued!.value).toMatch(/^maas_[A-Za-z0-9_-]{43}$/);
      expect(request).toMatchObject({
        kind: 'new-key',
        state: 'issued',
        tier: 'free',
        keyId: issued!.key.id,
        decidedBy: 'maas:auto-approval',
        model: `${bed.ns}/qwen3`,
      });
      expect(issued!.key).toMatchObject({
        state: 'active',
        tier: 'free',
        revealed: true,
        userEntityRef: owner,
        displayPrefix: `${issued!.value.slice(0, 9)}…`,
      });
      expect(
        new Date(issued!.key.expiresAt!).getTime() -
          new Date(issued!.key.createdAt).getTime(),
      ).toBe(90 * DAY);

      const secret = await bed.readSecret(keySecretName(issued!.key.id));
      const name = owner.split('/')[1];
      expect(secret.type).toBe('Opaque');
      expect(secret.metadata!.labels).toEqual({
        'maas.kuadrant.io/model': 'qwen3',
        'maas.kuadrant.io/model-namespace': bed.ns,
        'maas.kuadrant.io/model-uid': bed.modelUid,
        'kuadrant.io/auth-secret': 'true',
        'authorino.kuadrant.io/managed-by': 'authorino',
        'app.kubernetes.io/managed-by': 'maas-backstage',
        'maas.kuadrant.io/owner': name,
        'maas.kuadrant.io/key-request': request.id,
        'maas.kuadrant.io/key-id': issued!.key.id,
        // The install that wrote it: its own database's id, what its key task reconciles.
        'maas.kuadrant.io/install': await bed.db.installId(),
      });
      expect(secret.metadata!.annotations).toEqual({
        'kuadrant.io/groups': 'free',
        'secret.kuadrant.io/user-id': name,
        'maas.kuadrant.io/user-entity-ref': owner,
        'maas.kuadrant.io/entity-ref': 'component:default/qwen3',
        'secret.kuadrant.io/expires-at': issued!.key.expiresAt,
      });
      expect(Object.keys(secret.data!)).toEqual(['api_key']);
      expect(bed.apiKeyOf(secret)).toBe(issued!.value);
      // The model's AuthPolicy selects key Secrets by these labels in the keys namespace.
      const selected = await bed.core.listNamespacedSecret({
        namespace: bed.ns,
        labelSelector: `maas.kuadrant.io/model=qwen3,maas.kuadrant.io/model-namespace=${bed.ns},maas.kuadrant.io/model-uid=${bed.modelUid},kuadrant.io/auth-secret=true`,
      });
      expect(selected.items.map(s => s.metadata!.name)).toContain(
        keySecretName(issued!.key.id),
      );

      // The database has the hash, never the value.
      const stored = await bed.db.keys.get(issued!.key.id);
      expect(stored!.hash).toBe(hashApiKey(issued!.value));
      expect(JSON.stringify(await bed.db.keys.list())).not.toContain(
        issued!.value,
      );
      expect(
        JSON.stringify(await bed.db.audit.list({ limit: 100 })),
      ).not.toContain(issued!.value);

      await expectError(
        bed.service.reveal(issued!.key.id, owner),
        ConflictError,
        `Key ${
          issued!.key.id
        } was already shown once; rotate the key to get a new one`,
      );
      const actions = (await bed.db.audit.list({ limit: 100 }))
        .filter(e => [request.id, issued!.key.id].includes(e.subject.id))
        .map(e => e.action);
      expect(actions.sort()).toEqual([
        'key.issued',
        'request.approved',
        'request.created',
        'request.issued',
      ]);
      expect(bed.auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'key-key-issued',
          meta: expect.objectContaining({
            subject: { type: 'key', id: issued!.key.id },
          }),
        }),
      );
    });

    it('keeps a manual tier pending until approved, then shows the key once to its owner only', async () => {
      const owner = bed.user();
      const { request, issued } = await bed.ask(
        owner,
        'premium',
        'production use',
        30,
      );
      expect(issued).toBeUndefined();
      expect(request.state).toBe('pending');
      expect(await bed.secretExists(keySecretName(request.id))).toBe(false);

      const { request: decided, warning } = await bed.service.decide(
        request.id,
        'approve',
        BOSS,
        'fine',
      );
      expect(warning).toBeUndefined();
      expect(decided).toMatchObject({
        state: 'issued',
        decidedBy: BOSS,
        decisionComment: 'fine',
        keyId: request.id,
      });
      expect(bed.notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: [owner],
            excludeEntityRef: [BOSS],
          },
          payload: expect.objectContaining({
            link: '/maas/keys',
            title: `API key request (premium) for ${bed.ns}/qwen3 approved`,
            description: `${BOSS}: fine`,
          }),
        }),
      );
      const key = await bed.service.getKey(decided.keyId!);
      expect(key).toMatchObject({
        state: 'active',
        tier: 'premium',
        revealed: false,
      });
      expect(
        new Date(key.expiresAt!).getTime() - new Date(key.createdAt).getTime(),
      ).toBe(30 * DAY);
      expect(
        (await bed.readSecret(keySecretName(key.id))).metadata!.annotations![
          'kuadrant.io/groups'
        ],
      ).toBe('premium');

      await expectOwnerOnly(
        bed.service.reveal(key.id, BOB),
        owner,
        'see',
        key.id,
      );
      const shown = await bed.service.reveal(key.id, owner);
      bed.values.push(shown.value);
      expect(shown.value).toBe(
        bed.apiKeyOf(await bed.readSecret(keySecretName(key.id))),
      );
      expect(hashApiKey(shown.value)).toBe(key.hash);
      expect(shown.key.revealed).toBe(true);
      await expectError(
        bed.service.reveal(key.id, owner),
        ConflictError,
        `Key ${key.id} was already shown once; rotate the key to get a new one`,
      );

      await expectError(
        bed.service.decide(request.id, 'approve', BOSS),
        ConflictError,
        `Key request ${request.id} is already decided: issued`,
      );
    });

    it('rejects, notifies, and refuses a second decision; a failing notification does not fail it', async () => {
      const owner = bed.user();
      const { request } = await bed.ask(owner, 'enterprise', 'big batch');
      bed.notifications.send.mockRejectedValueOnce(
        new Error('notifications backend is not installed'),
      );
      const { request: decided } = await bed.service.decide(
        request.id,
        'reject',
        BOSS,
        'use premium',
      );
      expect(decided).toMatchObject({
        state: 'rejected',
        decidedBy: BOSS,
        decisionComment: 'use premium',
      });
      expect(bed.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Could not notify ${owner} ("API key request (enterprise) for ${bed.ns}/qwen3 rejected"): notifications backend is not installed`,
        ),
      );
      await expectError(
        bed.service.decide(request.id, 'approve', BOSS),
        ConflictError,
        `Key request ${request.id} is already decided: rejected`,
      );
      expect(await bed.db.keys.get(request.id)).toBeUndefined();
      expect(await bed.secretExists(keySecretName(request.id))).toBe(false);
    });

    it('lets only the owner cancel a pending request', async () => {
      const owner = bed.user();
      const { request } = await bed.ask(owner, 'premium', 'maybe');
      await expectError(
        bed.service.cancel(request.id, BOB),
        NotAllowedError,
        `Only ${owner} can cancel key request ${request.id}`,
      );
      expect((await bed.service.cancel(request.id, owner)).state).toBe(
        'cancelled',
      );
      await expectError(
        bed.service.cancel(request.id, owner),
        ConflictError,
        `Key request ${request.id} is already decided: cancelled`,
      );
    });

    it('refuses bad input and requests over the cap, changing nothing', async () => {
      const owner = bed.user();
      const before = (await bed.db.requests.list()).length;
      await expectError(
        bed.ask(owner, 'gold', 'x'),
        InputError,
        'Unknown tier "gold"; this portal\'s tiers are free, premium, enterprise',
      );
      await expectError(
        bed.ask(owner, 'free', 'y'.repeat(501)),
        InputError,
        'The reason is 501 characters long; at most 500 are allowed',
      );
      await expectError(
        bed.ask(owner, 'free', '   '),
        InputError,
        /A reason is required/,
      );
      await expectError(
        bed.ask(owner, 'free', 'ok', 400),
        InputError,
        'expiresInDays must be a whole number from 1 to 365; got 400',
      );
      expect((await bed.db.requests.list()).length).toBe(before);

      const first = await bed.ask(owner, 'free', 'one');
      bed.values.push(first.issued!.value);
      await bed.ask(owner, 'premium', 'two');
      const count = (await bed.db.requests.list()).length;
      await expectError(
        bed.ask(owner, 'free', 'three'),
        ConflictError,
        `You already have 2 working keys (active or rotating) or open requests for ${bed.ns}/qwen3; the limit is 2 (maas.keys.maxActivePerUserAndModel). Revoke a key or cancel a request first.`,
      );
      expect((await bed.db.requests.list()).length).toBe(count);
      expect(
        (await bed.listManagedSecrets()).filter(
          s =>
            s.metadata!.labels!['maas.kuadrant.io/owner'] ===
            owner.split('/')[1],
        ),
      ).toHaveLength(1);
    });

    it('issues one key and one Secret when the same request is approved twice at once', async () => {
      const owner = bed.user();
      const { request } = await bed.ask(owner, 'premium', 'race');
      const results = await Promise.allSettled([
        bed.service.decide(request.id, 'approve', BOSS),
        bed.service.decide(request.id, 'approve', 'user:default/other-boss'),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictError);
      expect(rejected.reason.message).toMatch(
        new RegExp(
          `Key request ${request.id} is already decided: (approved|issued)`,
        ),
      );
      expect(await bed.db.keys.list({ userEntityRef: owner })).toHaveLength(1);
      expect(
        (await bed.listManagedSecrets()).filter(
          s =>
            s.metadata!.labels!['maas.kuadrant.io/key-request'] === request.id,
        ),
      ).toHaveLength(1);
      expect((await bed.db.requests.get(request.id))!.state).toBe('issued');
    });

    it('names keys: checked, unique per user and model, kept through rotation, renamed by the owner only, audited', async () => {
      const owner = bed.user();
      const named = (name: string) =>
        bed.keys.requests.createRequest({
          model: bed.model,
          userEntityRef: owner,
          tier: 'free',
          reason: 'names',
          name,
        });
      await expectError(
        named('../etc'),
        InputError,
        'The key name "../etc" is not allowed: use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit, at most 63 characters',
      );
      await expectError(named('x'.repeat(64)), InputError, /at most 63/);
      const { issued } = await named('  CI pipeline ');
      bed.values.push(issued!.value);
      expect(issued!.key.name).toBe('CI pipeline');
      await expectError(
        named('ci PIPELINE'),
        ConflictError,
        `You already have a key or key request named "CI pipeline" for ${bed.ns}/qwen3; choose another name`,
      );
      // Another user may use the same name.
      const other = await bed.keys.requests.createRequest({
        model: bed.model,
        userEntityRef: bed.user(),
        tier: 'free',
        reason: 'names',
        name: 'CI pipeline',
      });
      bed.values.push(other.issued!.value);

      // The cap (2 here) counts the owner's named keys like any other.
      const second = await named('second');
      bed.values.push(second.issued!.value);
      const rotated = await bed.service.rotate(issued!.key.id, owner);
      bed.values.push(rotated.value);
      expect(rotated.key.name).toBe('CI pipeline');
      const renamed = await bed.keys.operations.rename(
        await bed.keys.operations.getKey(rotated.key.id),
        'nightly-batch',
        owner,
      );
      expect(renamed.name).toBe('nightly-batch');
      const events = await bed.db.audit.list({
        subjectId: rotated.key.id,
        limit: 5,
      });
      expect(events[0]).toMatchObject({
        actor: owner,
        action: 'key.renamed',
        details: {
          owner,
          tier: 'free',
          fromName: 'CI pipeline',
          name: 'nightly-batch',
        },
      });
      // A rotation's two keys may share a name; another working key of the owner may not.
      await expectError(
        bed.keys.operations.rename(
          await bed.keys.operations.getKey(second.issued!.key.id),
          'NIGHTLY-batch',
          owner,
        ),
        ConflictError,
        /named "nightly-batch"/,
      );
      expect(
        (
          await bed.keys.operations.rename(
            await bed.keys.operations.getKey(rotated.key.id),
            'CI pipeline',
            owner,
          )
        ).name,
      ).toBe('CI pipeline');
      expect(
        (
          await bed.keys.operations.rename(
            await bed.keys.operations.getKey(rotated.key.id),
            '',
            owner,
          )
        ).name,
      ).toBeUndefined();
      // Out of the way of the rotation test, whose task ends every overlap due.
      await bed.service.revoke(issued!.key.id, owner);
    });

    // Declared last, so it runs after every test above has added the key values it saw.
    it('never logs a key value', () => bed.expectNoKeyValueLogged());
  });
});
