import { useState, type FormEvent } from 'react';
import { TasklaneHttpError } from '@tasklane/client';
import { useSessionObject } from '../api/session-context.js';
import { Button } from '../ui/button.js';
import ui from '../ui/ui.module.css';
import styles from './auth.module.css';

/** What to tell a person whose sign-in or sign-up failed. */
function authError(error: unknown): string {
  if (!(error instanceof TasklaneHttpError)) return 'The server could not be reached. Try again.';
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'Wrong email or password.';
    case 'EMAIL_TAKEN':
      return 'An account with this email exists already: sign in instead.';
    case 'VALIDATION_FAILED': {
      const details = (error.body?.details ?? []) as { field: string; errors: string[] }[];
      return details.map((d) => d.errors.join(', ')).join('; ') || 'Please check the form.';
    }
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a moment and try again.';
    default:
      return error.body?.message ?? 'Something went wrong. Try again.';
  }
}

/** Sign in or create an account. */
export function SignInPage() {
  const session = useSessionObject();
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      if (mode === 'sign-in') await session.signIn(email, password);
      else await session.signUp(email, password, String(form.get('name') ?? ''));
    } catch (err) {
      setError(authError(err));
      setBusy(false);
    }
  }

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <h1 className={styles.brand}>
          <img src="/favicon.svg" alt="" /> Tasklane
        </h1>
        <p className={styles.tagline}>Task boards your whole team edits together, live.</p>
        <div className={styles.tabs} role="group" aria-label="Account">
          <Button variant="ghost" aria-pressed={mode === 'sign-in'} onClick={() => setMode('sign-in')}>
            Sign in
          </Button>
          <Button variant="ghost" aria-pressed={mode === 'sign-up'} onClick={() => setMode('sign-up')}>
            Create account
          </Button>
        </div>
        <form className={styles.form} onSubmit={submit} aria-label={mode === 'sign-in' ? 'Sign in' : 'Create account'}>
          {mode === 'sign-up' && (
            <label className={ui.field}>
              <span>Name</span>
              <input className={ui.input} name="name" autoComplete="name" required maxLength={100} />
            </label>
          )}
          <label className={ui.field}>
            <span>Email</span>
            <input className={ui.input} name="email" type="email" autoComplete="email" required />
          </label>
          <label className={ui.field}>
            <span>Password</span>
            <input
              className={ui.input}
              name="password"
              type="password"
              autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
              required
              minLength={mode === 'sign-up' ? 10 : undefined}
            />
          </label>
          {error && (
            <p className={styles.error} role="alert">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" disabled={busy}>
            {mode === 'sign-in' ? 'Sign in' : 'Create account'}
          </Button>
        </form>
      </div>
    </main>
  );
}
