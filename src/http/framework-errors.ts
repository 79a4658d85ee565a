/**
 * The errors Fastify and Node answer before a route's hooks run: a path that cannot be
 * percent-decoded, a path parameter over the router's limit, and requests the HTTP parser refuses
 * (malformed HTTP, oversized headers, a request that does not arrive in time). By default they get
 * the framework's own JSON, which quotes the path as sent and carries no request id; here each is a
 * problem document with a stable code and a request id, like every other error.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ERROR_CATALOGUE, type ErrorCode, problemType } from '../core/errors.js';
import { newRequestId } from './request-id.js';
import { PROBLEM_CONTENT_TYPE, sendProblem } from './problem.js';

/** Fastify's `frameworkErrors` option: bad URL encoding, over-long parameters, constraints. */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header('x-request-id', request.id);
  let problem: DomainError;
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      problem = new DomainError(
        'request.malformed_url',
        'The path holds an invalid percent-encoding; encode it as UTF-8.',
      );
      break;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      problem = new DomainError(
        'request.uri_too_long',
        'A path parameter is longer than this server accepts.',
      );
      break;
    default:
      request.log.error({ err: error }, 'framework error before routing');
      problem = new DomainError(
        'server.internal',
        `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
      );
  }
  void sendProblem(request, reply, problem);
}

function clientProblem(error: NodeJS.ErrnoException): { code: ErrorCode; detail: string } {
  switch (error.code ?? '') {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request.timeout', detail: 'The request did not arrive in time.' };
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'request.headers_too_large',
        detail: 'The request line and headers are larger than this server accepts.',
      };
    default:
      return { code: 'request.malformed_http', detail: 'The request could not be parsed as HTTP.' };
  }
}

/**
 * The raw response for a request the HTTP parser refused. There is no request object, so the
 * response is written to the socket by hand and the connection closed.
 */
export function clientProblemResponse(error: NodeJS.ErrnoException): string {
  const { code, detail } = clientProblem(error);
  const requestId = newRequestId();
  const status = ERROR_CATALOGUE[code].status;
  const body = JSON.stringify({
    type: problemType(code),
    title: ERROR_CATALOGUE[code].title,
    status,
    detail,
    code,
    requestId,
  });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Fastify's `clientErrorHandler` option. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Once a response has started on this socket, a second one would corrupt it (Node's own check).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) socket.write(clientProblemResponse(error));
  socket.destroy(error);
}
