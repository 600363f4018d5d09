import { useSession } from './api/session-context.js';
import { SignInPage } from './auth/sign-in-page.js';
import { BoardPage } from './board/board-page.js';
import { BoardsPage } from './boards/boards-page.js';
import { NotificationsProvider } from './notifications/notifications-context.js';
import { useRoute } from './router.js';

/** Routes only: the sign-in page until there is a session, then the board list or one board. */
export function App() {
  const state = useSession();
  const route = useRoute();
  if (state.status === 'loading') return <p role="status" style={{ padding: '1rem' }}>Loading…</p>;
  if (state.status === 'signed-out') return <SignInPage />;
  return (
    <NotificationsProvider key={state.user.id} session={state.session}>
      {route.name === 'board' ? <BoardPage key={route.boardId} boardId={route.boardId} user={state.user} /> : <BoardsPage user={state.user} />}
    </NotificationsProvider>
  );
}
