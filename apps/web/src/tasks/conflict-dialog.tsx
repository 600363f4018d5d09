import type { ColumnView, MemberView } from '@tasklane/contracts';
import { useLabels } from '../labels/labels-context.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import type { Conflict } from './conflict.js';
import styles from './tasks.module.css';

const FIELD_LABELS: Record<string, string> = { title: 'Title', description: 'Description', labelIds: 'Labels', assigneeIds: 'Assignees', dueAt: 'Due date', completed: 'Done' };

/**
 * A 412 on saving a task: someone changed it first. Shows who, the task as it is now and what
 * this edit wanted (with the column, when the dialog moved it); "Keep their version" drops the
 * edit and the move, "Apply my changes" sends the edit again on top of the current version, then
 * the move.
 */

export function ConflictDialog(props: { conflict: Conflict; columns: ColumnView[]; members: MemberView[]; onKeepTheirs(): void; onApplyMine(): void }) {
  const { conflict, columns, members, onKeepTheirs, onApplyMine } = props;
  const labels = useLabels();
  const show = (field: string, value: unknown): string => {
    if (field === 'assigneeIds' && Array.isArray(value)) return value.map((id) => members.find((m) => m.userId === id)?.name ?? 'former member').join(', ') || '—';
    if (field === 'labelIds' && Array.isArray(value)) return value.map((id) => labels.get(String(id))?.name ?? 'deleted label').join(', ') || '—';
    if (field === 'dueAt') return value ? new Date(String(value)).toLocaleDateString(undefined, { timeZone: 'UTC' }) : 'none';
    if (field === 'completed') return value ? 'Yes' : 'No';
    return Array.isArray(value) ? value.join(', ') || '—' : String(value ?? '—') || '—';
  };
  const { task, mine, changedBy, columnId } = conflict;
  const column = columns.find((c) => c.id === task.columnId)?.name ?? '—';
  return (
    <Dialog title="Edit conflict" onClose={onKeepTheirs}>
      <p role="alert">
        <strong>{changedBy}</strong> changed “{task.title}” before your edit was saved, so your edit was not applied.
      </p>
      <h3 className={styles.subhead}>Current version (v{task.version})</h3>
      <dl className={styles.facts}>
        <dt>Title</dt>
        <dd>{task.title}</dd>
        <dt>Description</dt>
        <dd>{task.description || '—'}</dd>
        <dt>Labels</dt>
        <dd>{task.labelIds.map((id) => labels.get(id)?.name ?? 'deleted label').join(', ') || '—'}</dd>
        <dt>Column</dt>
        <dd>{column}</dd>
        <dt>Changed</dt>
        <dd>{new Date(task.updatedAt).toLocaleString()}</dd>
      </dl>
      <h3 className={styles.subhead}>Your changes</h3>
      <dl className={styles.facts}>
        {Object.entries(mine).map(([k, v]) => (
          <div key={k} className={styles.factRow}>
            <dt>{FIELD_LABELS[k] ?? k}</dt>
            <dd>{show(k, v)}</dd>
          </div>
        ))}
        {columnId !== undefined && (
          <div className={styles.factRow}>
            <dt>Column</dt>
            <dd>{columns.find((c) => c.id === columnId)?.name ?? 'deleted column'}</dd>
          </div>
        )}
      </dl>
      <div className={styles.actions}>
        <Button variant="primary" onClick={onKeepTheirs}>
          Keep their version
        </Button>
        <Button onClick={onApplyMine}>Apply my changes</Button>
      </div>
    </Dialog>
  );
}
