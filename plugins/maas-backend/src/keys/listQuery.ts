/* Query parameters of the key routes, and how a page of a list is answered. */
import { InputError } from '@backstage/errors';
import { Request, Response } from 'express';
import { Page, PAGE_LIMITS } from './store/paging';

export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new InputError(`${name} must be given once`);
  return value;
}

export function queryFlag(req: Request, name: string): boolean {
  const value = queryString(req, name);
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new InputError(`${name} must be true or false`);
}

/** `limit` (1 to `max`, `PAGE_LIMITS.default` when left out) and `cursor` of a paged list. */
export function pageQuery(req: Request, max: number = PAGE_LIMITS.max) {
  const limitParam = queryString(req, 'limit');
  const limit =
    limitParam === undefined ? PAGE_LIMITS.default : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new InputError(`limit must be a whole number from 1 to ${max}`);
  }
  return { limit, cursor: queryString(req, 'cursor') };
}

/** A page is the body; where the next one starts is the `X-Next-Cursor` header, absent on the last. */
export function sendPage<T>(res: Response, page: Page<T>): void {
  if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
  res.json(page.items);
}
