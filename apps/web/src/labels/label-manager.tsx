import { useRef, useState, type FormEvent } from 'react';
import type { LabelView } from '@tasklane/contracts';
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
  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (name && (await onCreate({ name, color }))) {
      form.reset();
      setColor(LABEL_COLORS[(labels.length + 1) % LABEL_COLORS.length]);
    }
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
                <input
                  // Rebuilt when the board's name for the label changes: shows a rename made elsewhere.
                  key={l.name}
                  className={ui.input}
                  aria-label={`Name of ${l.name}`}
                  defaultValue={l.name}
                  maxLength={50}
                  onBlur={(e) => {
                    const input = e.currentTarget;
                    const name = input.value.trim();
                    if (!name) input.value = l.name;
                    else if (name !== l.name) void onUpdate(l, { name }).then((ok) => ok || (input.value = l.name));
                  }}
                />
                <Button small variant="danger" aria-label={`Delete label ${l.name}`} onClick={() => void onDelete(l)}>
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
          <Button type="submit" variant="primary" small>
            Add label
          </Button>
        </form>
      )}
    </Dialog>
  );
}
