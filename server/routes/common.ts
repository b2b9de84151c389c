/** What several routers share: the submission a request may see, a 旗县区 in the path, the projects of a template. */
import type { Request } from 'express';
import type { DB } from '../db';
import { AppError, fail } from '../errors';
import { authorize, can } from '../policy';
import { findSubmissionRow } from '../submissions';
import { normalizeDistrict } from '../../core/districts';
import { MSG } from '../../core/messages';
import { checkProjectCount, TemplateOptionsError } from '../../core/node/workbook/build';
import { excerpt } from '../../core/text';

/**
 * The submission `:id`, if the caller may read it, and may do `action` on it. An id the caller may not read answers
 * exactly like an id that does not exist (404): no one learns which ids are taken.
 */
export function readableSubmission(db: DB, req: Request, action: 'read' | 'review' | 'write'): ReturnType<typeof findSubmissionRow> {
  const id = String(req.params.id);
  const notFound = () => new AppError('NOT_FOUND', `找不到提交编号为 ${excerpt(id, 40)} 的申报`);
  let row: ReturnType<typeof findSubmissionRow>;
  try {
    row = findSubmissionRow(db, id);
  } catch (e) {
    throw e instanceof AppError && e.code === 'NOT_FOUND' ? notFound() : e;
  }
  const scope = { district: row.district, unit: row.unit };
  if (!req.actor || !can(req.actor, 'read', scope)) throw notFound();
  authorize(req.actor, action, scope);
  return row;
}

/** A 旗县区 named in the path, or 404 with the list of 旗县区. */
export function districtParam(value: unknown): string {
  return normalizeDistrict(value) ?? fail('NOT_FOUND', MSG.unknownDistrict(value));
}

/** `?projects=` of a template download (1 to the project limit), or 400. */
export function templateProjects(req: Request): number {
  try {
    return checkProjectCount(req.query.projects ?? undefined);
  } catch (e) {
    if (e instanceof TemplateOptionsError) fail('BAD_REQUEST', e.message);
    throw e;
  }
}
