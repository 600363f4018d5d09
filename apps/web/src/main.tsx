import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { Session } from './api/session.js';
import { SessionProvider } from './api/session-context.js';
import './styles/global.css';

// One session, one REST client for the page; the API is on the page's own origin.
const session = new Session('');

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <SessionProvider session={session}>
      <App />
    </SessionProvider>
  </StrictMode>,
);
