import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import type { LabelView } from '@tasklane/contracts';
import { useInFlight } from '../api/use-in-flight.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import ui from '../ui/ui.module.css';
import { LabelChip } from './labels-context.js';
import styles from './labels.module.css';

/** Colors offered for a new label (the same palette the labels migration used). */
export const LABEL_COLORS = ['#e5484d', '#f76b15', '#ffc53d', '#46a758', '#12a594', '#0090ff', '#3e63dd', '#8e4ec6', '#d6409f', '#8d8d8d'];

interface Props {
  labels: LabelView[];
  canEdit: boolean;
  onClose(): void;
  onCreate(input: { name: string; color: string }): Promise<boolean>;
  onUpdate(label: LabelView, change: { name?: string; color?: string }): Promise<boolean>;
  onDelete(label: LabelView): Promise<boolean>;
}

/**
 * The board's labels (live from the board state): editors add, rename, recolor and delete them;
 * deleting removes a label from every task. A name box follows the label's name as the board has
 * it (a rename by someone else shows; a refused rename goes back), and a color being dragged is
 * sent one request at a time per label, the newest value last (so the answers cannot land out of order).
 */
export function LabelManager({ labels, canEdit, onClose, onCreate, onUpdate, onDelete }: Props) {
  const [color, setColor] = useState(LABEL_COLORS[labels.length % LABEL_COLORS.length]);
  /** Writes on their way ('new' for Add label, a label's id for its Delete): their buttons wait (Enter then a click added the label and reported the second try as a duplicate). */
  const busy = useInFlight();
  /** Per label: the newest color not sent yet, and whether a color change is on its way. */
  const colorQueue = useRef(new Map<string, { next: string | null; sending: boolean }>());
  const sendColor = (label: LabelView, value: string) => {
    const queue = colorQueue.current.get(label.id) ?? { next: null, sending: false };
    colorQueue.current.set(label.id, { ...queue, next: value });
    if (queue.sending) return;
    const drain = async () => {
      const entry = colorQueue.current.get(label.id);
      if (!entry?.next) return void colorQueue.current.delete(label.id);
      colorQueue.current.set(label.id, { next: null, sending: true });
      await onUpdate(label, { color: entry.next });
      await drain();
    };
    void drain();
  };
  function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return;
    void busy.run('new', async () => {
      if (!(await onCreate({ name, color }))) return;
      form.reset();
      setColor(LABEL_COLORS[(labels.length + 1) % LABEL_COLORS.length]);
    });
  }
  return (
    <Dialog title="Labels" onClose={onClose}>
      {labels.length === 0 && <p className={styles.muted}>This board has no labels yet.</p>}
      <ul className={styles.list}>
        {labels.map((l) => (
          <li key={l.id} className={styles.row}>
            <LabelChip label={l} className={styles.chip} />
            {canEdit && (
              <>
                <input
                  type="color"
                  aria-label={`Color of ${l.name}`}
                  value={l.color}
                  className={styles.color}
                  onChange={(e) => sendColor(l, e.target.value)}
                />
                <LabelNameInput label={l} onRename={(name) => onUpdate(l, { name })} />
                <Button small variant="danger" aria-label={`Delete label ${l.name}`} disabled={busy.has(l.id)} onClick={() => void busy.run(l.id, () => onDelete(l))}>
                  Delete
                </Button>
              </>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form className={styles.add} onSubmit={(e) => void add(e)} aria-label="Add a label">
          <input name="name" className={ui.input} aria-label="New label name" placeholder="New label…" maxLength={50} required />
          <input type="color" aria-label="New label color" value={color} className={styles.color} onChange={(e) => setColor(e.target.value)} />
          <Button type="submit" variant="primary" small disabled={busy.has('new')}>
            Add label
          </Button>
        </form>
      )}
    </Dialog>
  );
}

/**
 * A label's name box, sent on blur when changed. It follows the name the board has for the label
 * (a rename made elsewhere, a refused rename going back) unless something has been typed in it
 * since it got the focus: a rename arriving then leaves the typing alone (it used to rebuild the
 * box, which dropped the text and the focus), and a box left untouched sends nothing on blur.
 */
function LabelNameInput({ label, onRename }: { label: LabelView; onRename(name: string): Promise<boolean> }) {
  const box = useRef<HTMLInputElement>(null);
  /** The box's text when it got the focus: left unchanged, a blur sends nothing (a rename made meanwhile stands, not the old name). */
  const atFocus = useRef<string | null>(null);
  // In the commit that renames the box (its aria-label), not a frame later: no one ever sees the new label over the old text.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (el !== document.activeElement) el.value = label.name;
    else if (el.value === atFocus.current) {
      // Focused but not typed in (focus can land here by itself, e.g. when a modal's focused button goes): follow too.
      el.value = label.name;
      atFocus.current = label.name;
    }
  }, [label.name]);
  return (
    <input
      ref={box}
      className={ui.input}
      aria-label={`Name of ${label.name}`}
      defaultValue={label.name}
      maxLength={50}
      onFocus={(e) => (atFocus.current = e.currentTarget.value)}
      onBlur={(e) => {
        const input = e.currentTarget;
        const name = input.value.trim();
        const untouched = input.value === atFocus.current;
        atFocus.current = null;
        if (!name || untouched) input.value = label.name;
        else if (name !== label.name) void onRename(name).then((ok) => ok || (input.value = label.name));
      }}
    />
  );
}
