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
  /** The route's template (`/v1/registry/operators/{id}`), never the path as sent. */
  instance?: string;
  code: ErrorCode;
  requestId: string;
  [extension: string]: unknown;
}

/**
 * Any run of twelve or more digits: the shape of an IIN or BIN. A message written anywhere in the
 * server may quote what the client sent (an id in a path, a value Ajv reports, a field name); the
 * problem document is the one place every error passes, so identifiers are withheld here for all
 * routes, present and future, whatever the message.
 */
const IDENTIFIER_RUN = /\d{12,}/g;
export const WITHHELD_IDENTIFIER = '[identifier withheld]';

/** Replaces IIN/BIN-shaped digit runs in every string (keys included) and long integer. */
export function withholdIdentifiers(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(IDENTIFIER_RUN, WITHHELD_IDENTIFIER);
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) >= 1e11 ? WITHHELD_IDENTIFIER : value;
  }
  if (Array.isArray(value)) return value.map(withholdIdentifiers);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[withholdIdentifiers(key) as string] = withholdIdentifiers(inner);
    }
    return out;
  }
  return value;
}

/** `/v1/things/:id` as OpenAPI writes it: `/v1/things/{id}`. */
function routeTemplate(request: FastifyRequest): string | undefined {
  const url = request.routeOptions.url;
  if (url === undefined || url === '*' || url.endsWith('*')) return undefined;
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function problemOf(request: FastifyRequest, error: DomainError): ProblemDocument {
  const instance = routeTemplate(request);
  const document = {
    ...error.extensions,
    type: problemType(error.code),
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    detail: error.detail,
    ...(instance !== undefined ? { instance } : {}),
    code: error.code,
    requestId: request.id,
  };
  return withholdIdentifiers(document) as ProblemDocument;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: DomainError,
): FastifyReply {
  if (error.code === 'auth.unauthenticated') reply.header('www-authenticate', 'Bearer');
  const retryAfter = error.extensions.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.status(error.status).type(PROBLEM_CONTENT_TYPE).send(problemOf(request, error));
}

interface ValidationIssue {
  instancePath?: string;
  schemaPath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/**
 * A union of literals (`literalUnion`) fails as one `const` error per value and then `anyOf`,
 * which say "must be equal to constant" without the constants: one issue naming the values
 * instead. An `anyOf` whose failed branches are not all constants is left as Ajv wrote it.
 */
function foldConstants(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.keyword === 'anyOf') {
      let first = out.length;
      while (
        first > 0 &&
        out[first - 1]!.keyword === 'const' &&
        out[first - 1]!.instancePath === issue.instancePath
      )
        first--;
      const branches = out.slice(first);
      const values = branches.map((branch) => branch.params?.allowedValue);
      // Every branch's own error, in order (a branch of another kind fails with another keyword
      // between these and the anyOf): then the constants are all the union allows.
      const everyBranch = branches.every(
        (branch, i) => branch.schemaPath === `${issue.schemaPath}/${i}/const`,
      );
      if (values.length > 0 && everyBranch && values.every((value) => typeof value === 'string')) {
        out.splice(first, values.length, {
          ...issue,
          message: `must be one of: ${values.join(', ')}`,
        });
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

/** Turns Ajv's errors into one readable sentence plus a per-field list. */
function validationError(error: FastifyError): DomainError {
  const where = error.validationContext ?? 'request';
  const raw = (error.validation ?? []) as ValidationIssue[];
  const issues = foldConstants(raw)
    .slice(0, 20)
    .map((issue) => {
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
      return new DomainError('request.malformed_body', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError(
        'request.malformed_body',
        'The body is not as long as Content-Length says.',
      );
    default:
      break;
  }
  // Parser messages quote the body they choke on, which may hold anything: they are not repeated.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new DomainError('request.malformed_body', 'The body is not valid JSON.');
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

  app.setNotFoundHandler((request, reply) =>
    // The path is not quoted back: it may hold an identifier, and the client knows what it sent.
    sendProblem(
      request,
      reply,
      new DomainError(
        'request.not_found',
        `Nothing answers ${request.method} at this path; see /openapi.json for the routes.`,
      ),
    ),
  );
}

export { statusOf };
