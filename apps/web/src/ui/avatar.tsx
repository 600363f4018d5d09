import styles from './ui.module.css';

/** Initials for an avatar: "Ana Lima" → "AL", "bob" → "B". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** Darkish hues that keep white initials above 4.5:1 contrast. */
const COLORS = ['#3451b2', '#8e3b46', '#1f6f5c', '#6a3fa0', '#9a4a00', '#2b6a99', '#7a5200', '#a0306e'];

function colorFor(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) | 0;
  return COLORS[Math.abs(h) % COLORS.length];
}

/** A round avatar with a user's initials; its accessible name is `label` (default: the user's name). */
export function Avatar({ userId, name, label = name, small }: { userId: string; name: string; label?: string; small?: boolean }) {
  return (
    <span role="img" aria-label={label} title={label} className={`${styles.avatar} ${small ? styles.avatarSmall : ''}`} style={{ background: colorFor(userId) }}>
      {initials(name)}
    </span>
  );
}
