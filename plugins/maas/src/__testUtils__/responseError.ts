import { ResponseError } from '@backstage/errors';

const STATUS_TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'InputError'],
  403: ['Forbidden', 'NotAllowedError'],
  404: ['Not Found', 'NotFoundError'],
  409: ['Conflict', 'ConflictError'],
  500: ['Internal Server Error', 'Error'],
  503: ['Service Unavailable', 'ServiceUnavailableError'],
};

/** A ResponseError as MaasClient throws it for a backend error answer. */
export function responseError(
  status: number,
  message: string,
): Promise<ResponseError> {
  const [statusText, name] = STATUS_TEXT[status] ?? ['Error', 'Error'];
  const body = JSON.stringify({
    error: { name, message },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    status,
    statusText,
    url: 'http://localhost/api/maas',
    ok: false,
    type: 'basic',
    redirected: false,
    headers: {
      get: (h: string) =>
        h.toLowerCase() === 'content-type' ? 'application/json' : null,
    },
    text: async () => body,
  } as any);
}

/** A rejected promise with that error, for an API method. */
export async function rejectWith(
  status: number,
  message: string,
): Promise<never> {
  throw await responseError(status, message);
}
