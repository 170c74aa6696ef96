// Every failure leaves the API as {"error":{"code","message","details"?}} with a fitting status;
// nothing internal (stack, gRPC detail) reaches the client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Array<{ field: string; message: string }>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

/** A 503 for what only a worker can do (a live read, an update) when none took it in time: worth retrying. */
export const workerUnavailable = (message: string, retryAfterSeconds = 5) =>
  new ApiError(503, 'worker_unavailable', message, undefined, { 'Retry-After': String(retryAfterSeconds) });

/** A 429 whose Retry-After is the time left until `resetAt`. */
export const tooManyRequests = (code: string, message: string, resetAt: Date) =>
  new ApiError(429, code, message, undefined, {
    'Retry-After': String(Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000))),
  });

export function validationError(error: z.ZodError, where: 'body' | 'query' | 'path'): ApiError {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || where, message: issue.message }));
  return new ApiError(
    400,
    'validation_failed',
    `invalid request ${where}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
    details,
  );
}

/** Parses with the schema or throws a 400 naming the offending fields. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'path',
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data;
}

/** A route that exists but not with this method. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (_req, res) => {
    res.setHeader('Allow', allowed.join(', '));
    res.status(405).json({ error: { code: 'method_not_allowed', message: `allowed methods: ${allowed.join(', ')}` } });
  };
}

/** Errors of body-parser and friends carry a `type` and a `status`. */
function fromHttpError(error: unknown): ApiError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  // A compressed body that does not decompress: zlib's error (it has an errno), passed on as a 400.
  if ('errno' in error && 'status' in error && error.status === 400)
    return new ApiError(400, 'invalid_body', 'the request body could not be decompressed');
  if (!('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new ApiError(413, 'payload_too_large', 'the request body is too large');
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', 'the request body encoding is not supported');
    default:
      return undefined;
  }
}

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const apiError = error instanceof ApiError ? error : fromHttpError(error);
  if (apiError) {
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    res.status(apiError.status).json({
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.details ? { details: apiError.details } : {}),
      },
    });
    return;
  }
  req.log.error({ err: error }, 'unexpected error');
  res.status(500).json({
    error: {
      code: 'internal_error',
      message: 'internal error; the request id in X-Request-Id finds it in the API log',
    },
  });
};
