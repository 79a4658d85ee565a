/** Small pieces every registry route shares: who is asking, ETags, actors. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import { principalOf, type Principal } from '../http/access.js';
import type { Actor } from './registry.model.js';

export const STAFF = ['regulator', 'soc', 'auditor'] as const;

export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', id: principal.subject, role: principal.roles.join('+') };
    case 'system':
      return { kind: 'system', id: principal.systemId };
    case 'operator':
      return { kind: 'system', id: principal.operatorId };
    case 'citizen':
      throw new DomainError('auth.forbidden', 'Citizens cannot change the registry.');
  }
}

export function isStaff(principal: Principal): boolean {
  return principal.kind === 'staff';
}

/** The operator an operator-side caller acts for; undefined for staff. */
export function callerOperatorId(principal: Principal): string | undefined {
  return principal.kind === 'system' || principal.kind === 'operator'
    ? principal.operatorId
    : undefined;
}

/**
 * Another operator's record answers 404, exactly like a missing one, so an operator cannot learn
 * which ids exist elsewhere.
 */
export function assertVisible(
  request: FastifyRequest,
  operatorId: string,
  notFound: DomainError,
): void {
  const principal = principalOf(request);
  if (isStaff(principal)) return;
  if (callerOperatorId(principal) !== operatorId) throw notFound;
}

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', `"${version}"`);
}

/** The version a client read, from `If-Match: "3"` (weak tags accepted); undefined when absent. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match)
    throw new DomainError('request.validation', 'If-Match must be the ETag you read, e.g. "3".', {
      field: 'If-Match',
    });
  return Number(match[1]);
}

/** Where a change sits: its history entry and its index in the transparency log. */
export function changeOf(result: {
  readonly changeId: string;
  readonly ledgerIndex: number | null;
}): {
  id: string;
  ledgerIndex: number | null;
} {
  return { id: result.changeId, ledgerIndex: result.ledgerIndex };
}

/**
 * SHA-256 (hex) of the client certificate: from the TLS socket when the server terminates TLS,
 * otherwise from the configured header set by a trusted TLS-terminating proxy. Read here, at the
 * edge, so nothing below the routes sees a request.
 */
export function clientCertificateSha256(
  request: FastifyRequest,
  header: string | undefined,
): string | undefined {
  const socket = request.raw.socket as {
    getPeerCertificate?: () => { fingerprint256?: string } | null;
  };
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  if (peer?.fingerprint256) return peer.fingerprint256.replaceAll(':', '').toLowerCase();
  if (!header) return undefined;
  const value = request.headers[header.toLowerCase()];
  return typeof value === 'string' && /^[0-9a-fA-F:]{64,95}$/.test(value)
    ? value.replaceAll(':', '').toLowerCase()
    : undefined;
}
