import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { maasModelCreatePermission } from '@maas-portal/plugin-maas-common';
import { CreateRules } from '../config/readCreateRules';
import { createRefusals, Creator } from './createRefusals';
import { ManifestShape, shapeRefusals } from './manifestShape';

/**
 * Who may create a model, and what: the `maas.model.create` permission of the user who started
 * the task (the permission policy decides per user), then the objects: only what Create model
 * renders (no other kind, no field the form cannot produce), and the `maas.create.*` rules.
 * Every action of the template asks it first.
 */
export class ModelCreateGate {
  constructor(
    private readonly deps: {
      permissions: PermissionsService;
      userInfo: UserInfoService;
      rules: CreateRules;
      /** What Create model renders (`modelManifestShape`): crafted objects are held to it. */
      shape: ManifestShape;
    },
  ) {}

  get rules(): CreateRules {
    return this.deps.rules;
  }

  /** The task's user, when they hold `maas.model.create`; otherwise a NotAllowedError. */
  async creator(ctx: {
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  }): Promise<Creator> {
    const credentials = await ctx.getInitiatorCredentials();
    const [decision] = await this.deps.permissions.authorize(
      [{ permission: maasModelCreatePermission }],
      { credentials },
    );
    const creator: Creator = await this.deps.userInfo
      .getUserInfo(credentials)
      .then(info => ({
        userEntityRef: info.userEntityRef,
        ownershipEntityRefs: info.ownershipEntityRefs,
      }))
      // A task a service started has no user and so no groups.
      .catch(() => ({ ownershipEntityRefs: [] }));
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${
          creator.userEntityRef ?? 'This task'
        } may not create models: the permission policy does not grant ${
          maasModelCreatePermission.name
        }. Ask a portal admin for it.`,
      );
    }
    return creator;
  }

  /**
   * The creator, when they hold the permission and every object is one Create model renders and
   * `maas.create.*` allows.
   */
  async check(
    ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
    objects: unknown[],
  ): Promise<Creator> {
    const creator = await this.creator(ctx);
    const problems = [
      ...shapeRefusals(objects, this.deps.shape),
      ...createRefusals(objects, this.deps.rules, creator),
    ];
    if (problems.length > 0) {
      throw new NotAllowedError(
        `The model cannot be created: ${problems.join('; ')}`,
      );
    }
    return creator;
  }
}
