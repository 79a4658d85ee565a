/**
 * RFC 9457 problem details for every error. Domain errors keep their code and message; framework
 * errors (bad JSON, wrong content type, oversized body, schema violations) are mapped to stable
 * codes with a precise message; anything unexpected is a 500 whose body reveals nothing.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  ERROR_CATALOGUE,
  type ErrorCode,
  problemType,
  statusOf,
} from '../core/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  [extension: string]: unknown;
}

export function problemOf(request: FastifyRequest, error: DomainError): ProblemDocument {
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    detail: error.detail,
    instance: request.url.split('?')[0] ?? request.url,
    code: error.code,
    requestId: request.id,
  };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: DomainError,
): FastifyReply {
  if (error.code === 'auth.unauthenticated') reply.header('www-authenticate', 'Bearer');
  return reply.status(error.status).type(PROBLEM_CONTENT_TYPE).send(problemOf(request, error));
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/** Turns Ajv's errors into one readable sentence plus a per-field list. */
function validationError(error: FastifyError): DomainError {
  const where = error.validationContext ?? 'request';
  const issues = ((error.validation ?? []) as ValidationIssue[]).slice(0, 20).map((issue) => {
    let field = issue.instancePath ? issue.instancePath.slice(1).replaceAll('/', '.') : '';
    const missing = issue.params?.missingProperty;
    const extra = issue.params?.additionalProperty;
    if (typeof missing === 'string') field = field ? `${field}.${missing}` : missing;
    if (typeof extra === 'string') field = field ? `${field}.${extra}` : extra;
    const message =
      typeof extra === 'string'
        ? 'is not an allowed property'
        : issue.keyword === 'required'
          ? 'is required'
          : (issue.message ?? 'is invalid');
    return { in: where, field: field || '(root)', message };
  });
  const first = issues[0];
  const detail = first ? `${where} ${first.field} ${first.message}` : `${where} is invalid`;
  return new DomainError('request.validation', detail, { errors: issues });
}

function frameworkError(error: FastifyError): DomainError | undefined {
  if (error.validation) return validationError(error);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError(
        'request.unsupported_media_type',
        'Send the body as application/json.',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError(
        'request.body_too_large',
        'The request body is larger than this server accepts.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError(
        'request.malformed_body',
        'The body is empty but the content type says JSON.',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError(
        'request.malformed_body',
        `The body is not valid JSON: ${error.message}`,
      );
    default:
      break;
  }
  // Body parser syntax errors carry a 400 status and no code.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new DomainError(
      'request.malformed_body',
      `The body is not valid JSON: ${error.message}`,
    );
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const code = statusToCode(error.statusCode);
    return new DomainError(code, error.message || ERROR_CATALOGUE[code].title);
  }
  return undefined;
}

function statusToCode(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'auth.unauthenticated';
    case 403:
      return 'auth.forbidden';
    case 404:
      return 'request.not_found';
    case 405:
      return 'request.method_not_allowed';
    case 406:
      return 'request.not_acceptable';
    case 413:
      return 'request.body_too_large';
    case 415:
      return 'request.unsupported_media_type';
    case 429:
      return 'request.rate_limited';
    default:
      return 'request.validation';
  }
}

export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(request, reply, error);
    }
    const mapped = frameworkError(error);
    if (mapped) return sendProblem(request, reply, mapped);
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      new DomainError(
        'server.internal',
        `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
      ),
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendProblem(
      request,
      reply,
      new DomainError('request.not_found', `There is no ${request.method} ${path} on this server.`),
    );
  });
}

export { statusOf };
