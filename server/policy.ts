/**
 * Authorisation on the server: the rules live in core/policy.ts (shared with the dashboard); a refusal here is a 403
 * with the table's Chinese reason.
 */
import { AppError } from './errors';
import { can, refusal, type Action, type Actor, type Scope } from '../core/policy';
import type { Issue } from '../core/issues';
import type { AuditEntry } from './audit';

export { can, type Action, type Scope };

/** `issues` (asked only on a refusal) places the refusal on the cells to fix, e.g. the file's 填报单位. */
export function authorize(actor: Actor | undefined, action: Action, scope: Scope = {}, issues?: (actor: Actor) => Issue[]): Actor {
  if (!actor) throw new AppError('UNAUTHORIZED', '请先登录');
  if (!can(actor, action, scope)) {
    const placed = issues?.(actor);
    throw new AppError('FORBIDDEN', refusal(actor, action, scope), placed?.length ? placed : undefined);
  }
  return actor;
}

/**
 * The audit trail as a viewer may see it: reviewers and administrators see where each change came from; a unit sees
 * who did what and when, but no addresses (a reviewer's IP address is not the unit's business).
 */
export function visibleAudit<T extends AuditEntry>(actor: Actor, entries: T[]): Array<Omit<T, 'ip'> | T> {
  return actor.role === 'unit' ? entries.map(({ ip: _ip, ...rest }) => rest) : entries;
}
