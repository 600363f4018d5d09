import { createContext, useContext } from 'react';
import type { LabelView } from '@tasklane/contracts';

/** The open board's labels by id, for cards and pickers deep in the tree (cards are memoised, so no prop threading). */
export const LabelsContext = createContext<ReadonlyMap<string, LabelView>>(new Map());

/** The open board's labels by id. */
export const useLabels = (): ReadonlyMap<string, LabelView> => useContext(LabelsContext);

/**
 * Black or white text for a `#rrggbb` background, whichever contrasts more (WCAG relative
 * luminance, https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).
 */
export function textOn(color: string): '#000000' | '#ffffff' {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** A label as a colored chip. */
export function LabelChip({ label, className }: { label: LabelView; className?: string }) {
  return (
    <span className={className} style={{ background: label.color, color: textOn(label.color), borderColor: label.color }}>
      {label.name}
    </span>
  );
}
