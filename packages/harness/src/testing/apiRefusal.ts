/* What the API server answered when it refused a request, for tests that expect a refusal. */
import { ApiException } from '@kubernetes/client-node';

/** Status code and Status message of a failed client-node call. */
function statusOf(e: unknown): { code: number; message: string } {
  if (e instanceof ApiException) {
    let body: any = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // keep the text
      }
    }
    return {
      code: e.code,
      message:
        typeof body === 'string' ? body : body?.message ?? String(e.message),
    };
  }
  throw e;
}

/** Awaits `p`, which the API server must refuse: the code and message of its Status. */
export async function apiRefusal(
  p: Promise<unknown>,
): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return statusOf(e);
  }
  throw new Error(
    'expected the API server to refuse the request, but it succeeded',
  );
}
