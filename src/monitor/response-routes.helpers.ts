/**
 * Who is calling, in the monitoring centre's terms (`staff:<subject>` on alerts, cases and rules;
 * `By` on responses and incidents), and the operator a caller may act for.
 */
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { By } from './response.ports.js';

/** `staff:<subject>`: who changed an alert, a case or a rule, for its history and the ledger. */
export function staffOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== 'staff')
    throw new DomainError('auth.forbidden', 'This route is for staff.');
  return `staff:${principal.subject}`;
}

/** `staff:<role>:<subject>` or `system:<systemId>`: what the ledger records as the actor. */
export function byOf(request: FastifyRequest): By {
  const principal = principalOf(request);
  if (principal.kind === 'staff') return `staff:${principal.roles.join('+')}:${principal.subject}`;
  if (principal.kind === 'system') return `system:${principal.systemId}`;
  throw new DomainError('auth.forbidden', 'Not allowed for this caller.');
}

/**
 * An operator's own lists: a system acts only for its own operator; staff (as the route allows)
 * for any.
 */
export function requireOperator(request: FastifyRequest, operatorId: string): void {
  const principal = principalOf(request);
  if (principal.kind === 'system' && principal.operatorId !== operatorId)
    throw new DomainError('auth.forbidden', "A system acts only for its own operator's lists.");
}
