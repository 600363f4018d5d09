/** Small inline icons (no icon font or emoji: they render the same everywhere, and inherit the text color). */
const base = { width: 12, height: 12, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, 'aria-hidden': true } as const;

/** A speech bubble (comments). */
export const CommentIcon = () => (
  <svg {...base}>
    <path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z" strokeLinejoin="round" />
  </svg>
);

/** A ticked box (checklist). */
export const ChecklistIcon = () => (
  <svg {...base}>
    <rect x="2.5" y="2.5" width="11" height="11" rx="2" />
    <path d="M5 8.2l2 2 4-4.4" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
