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

/** A gear (settings), 18 px. */
export const GearIcon = () => (
  <svg {...base} width={18} height={18} strokeWidth={1.4}>
    <circle cx="8" cy="8" r="2.2" />
    <path
      d="M8 1.5v1.8M8 12.7v1.8M1.5 8h1.8M12.7 8h1.8M3.4 3.4l1.3 1.3M11.3 11.3l1.3 1.3M3.4 12.6l1.3-1.3M11.3 4.7l1.3-1.3"
      strokeLinecap="round"
    />
    <circle cx="8" cy="8" r="4.6" />
  </svg>
);
