import { TasklaneHttpError } from '@tasklane/client';

/**
 * Runs a request against a route that may not exist on this server yet (invitations are built in
 * parallel): resolves `{ supported: false }` when the server answers 404 ROUTE_NOT_FOUND, so the
 * UI can hide the feature; any other error is thrown.
 */
export async function ifSupported<T>(request: () => Promise<T>): Promise<{ supported: true; value: T } | { supported: false }> {
  try {
    return { supported: true, value: await request() };
  } catch (error) {
    if (error instanceof TasklaneHttpError && error.status === 404 && error.code === 'ROUTE_NOT_FOUND') return { supported: false };
    throw error;
  }
}
