import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
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
      /** The catalog, read as the task's user: a model's owner and System must be in it. */
      catalog: CatalogService;
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

  /**
   * The model's owner must be a Group or User of the catalog, and its System (when given) a System
   * of the catalog, as the task's user sees them: the owner decides key requests, and a name that
   * is no entity would leave the model without anyone to decide them. The form's pickers offer only
   * catalog entities; this holds a crafted template to the same.
   */
  async checkCatalog(
    ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
    refs: { owner: string; system?: string },
  ): Promise<void> {
    const credentials = await ctx.getInitiatorCredentials();
    const kindOf = async (ref: string) =>
      (
        await this.deps.catalog.getEntityByRef(ref, { credentials })
      )?.kind.toLowerCase();
    const problems: string[] = [];
    if (!['group', 'user'].includes((await kindOf(refs.owner)) ?? '')) {
      problems.push(
        `owner "${refs.owner}" is no Group or User in the catalog; pick the team (or person) that decides the model's key requests from the catalog`,
      );
    }
    if (refs.system && (await kindOf(refs.system)) !== 'system') {
      problems.push(
        `system "${refs.system}" is no System in the catalog; pick one from the catalog, or leave it empty`,
      );
    }
    if (problems.length > 0) {
      throw new InputError(
        `The model cannot be created: ${problems.join('; ')}`,
      );
    }
  }
}
