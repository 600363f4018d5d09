import type { TasklaneRestClient } from '@tasklane/client';

/**
 * Downloads the board's export as a file. The API authenticates with the `Authorization` header
 * (the refresh cookie is scoped to `/api/v1/auth`), which a plain link cannot send, so the client
 * fetches it (refreshing on a 401) and the browser saves the Blob through a temporary object URL
 * and an `<a download>` click. The whole file is in memory once: fine for boards of thousands of
 * tasks (a few MB).
 * @throws TasklaneHttpError (404 BOARD_NOT_FOUND once removed) or a network TypeError
 */
export async function downloadExport(rest: TasklaneRestClient, boardId: string, format: 'json' | 'csv'): Promise<string> {
  const { blob, fileName } = await rest.exportBoard(boardId, format);
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // After the click has handed the URL to the download; revoking at once can cancel it in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return fileName;
}
