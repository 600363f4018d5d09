import { memo, useState, type CSSProperties } from 'react';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { MemberView, TaskView } from '@tasklane/contracts';
import { Avatar } from '../ui/avatar.js';
import { ChecklistIcon, CommentIcon } from '../ui/icons.js';
import { Menu } from '../ui/menu.js';
import { LabelChip, useLabels } from '../labels/labels-context.js';
import { dueStatus } from './board-model.js';
import type { Flash } from './use-board.js';
import styles from './board.module.css';

export interface TaskActions {
  open(task: TaskView): void;
  rename(task: TaskView, title: string): void;
  insertAfter(task: TaskView): void;
  remove(task: TaskView): void;
  archive(task: TaskView): void;
}

interface Props {
  task: TaskView;
  members: ReadonlyMap<string, MemberView>;
  canEdit: boolean;
  flash?: Flash;
  actions: TaskActions;
}

/** The visible part of a task card (also the drag overlay). */
export function TaskCardBody({ task, members, flash }: Pick<Props, 'task' | 'members' | 'flash'>) {
  const labels = useLabels();
  const taskLabels = task.labelIds.flatMap((id) => labels.get(id) ?? []);
  const due = task.dueAt ? new Date(task.dueAt) : null;
  const status = dueStatus(task.dueAt, Date.now(), task.completedAt);
  const { done, total } = task.checklist;
  return (
    <>
      {(taskLabels.length > 0 || due || task.assigneeIds.length > 0 || total > 0 || task.commentCount > 0) && (
        <div className={styles.cardMeta}>
          {taskLabels.map((l) => (
            <LabelChip key={l.id} label={l} className={styles.label} />
          ))}
          {due && (
            <span className={`${styles.due} ${status === 'overdue' ? styles.overdue : status === 'soon' ? styles.dueSoon : ''}`} data-due={status}>
              {status === 'overdue' ? 'Overdue · ' : status === 'soon' ? 'Due soon · ' : 'Due '}
              {due.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })}
            </span>
          )}
          {total > 0 && (
            <span className={`${styles.badge} ${done === total ? styles.complete : ''}`} aria-label={`Checklist ${done} of ${total} done`}>
              <ChecklistIcon /> {done}/{total}
            </span>
          )}
          {task.commentCount > 0 && (
            <span className={styles.badge} aria-label={`${task.commentCount} comment${task.commentCount === 1 ? '' : 's'}`}>
              <CommentIcon /> {task.commentCount}
            </span>
          )}
          <span className={styles.assignees}>
            {task.assigneeIds.map((id) => (
              <Avatar key={id} userId={id} name={members.get(id)?.name ?? 'Former member'} small />
            ))}
          </span>
        </div>
      )}
      {flash && (
        <span className={styles.flashBadge} aria-hidden="true">
          {flash.actor}
        </span>
      )}
    </>
  );
}

/**
 * One task in a column: a drag handle (editors; dnd-kit pointer and keyboard: focus it, Space,
 * arrows, Space), the title (opens the task dialog), inline title editing and a menu.
 */
export const TaskCard = memo(function TaskCard({ task, members, canEdit, flash, actions }: Props) {
  const pendingTask = task.id.startsWith('pending-');
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: task.id,
    data: { type: 'task', columnId: task.columnId },
    disabled: !canEdit || pendingTask,
  });
  const [editing, setEditing] = useState(false);
  const style: CSSProperties = { transform: CSS.Translate.toString(transform), transition };
  return (
    <article
      ref={setNodeRef}
      style={style}
      className={`${styles.card} ${flash ? styles.flash : ''} ${isDragging ? styles.dragging : ''} ${task.completedAt ? styles.done : ''}`}
      aria-label={task.title}
      data-task-id={task.id}
      data-done={task.completedAt ? 'true' : undefined}
    >
      <div className={styles.cardTop}>
        {canEdit && (
          <button ref={setActivatorNodeRef} type="button" className={styles.handle} aria-label={`Move task ${task.title}`} {...attributes} {...listeners}>
            ⠿
          </button>
        )}
        {editing ? (
          <form
            className={styles.inlineForm}
            onSubmit={(e) => {
              e.preventDefault();
              const title = String(new FormData(e.currentTarget).get('title') ?? '').trim();
              setEditing(false);
              if (title && title !== task.title) actions.rename(task, title);
            }}
          >
            <input
              name="title"
              aria-label={`Title of ${task.title}`}
              defaultValue={task.title}
              maxLength={500}
              autoFocus
              className={styles.inlineInput}
              onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
              onBlur={(e) => e.currentTarget.form?.requestSubmit()}
            />
          </form>
        ) : (
          <>
            {/* Beside the title, not in it: the card's and the title button's names stay the title. */}
            {task.completedAt && (
              <span className={styles.doneMark} role="img" aria-label="Done" title="Done">
                ✓
              </span>
            )}
            <button type="button" className={styles.title} onClick={() => actions.open(task)} onDoubleClick={() => canEdit && setEditing(true)} disabled={pendingTask}>
              {task.title}
            </button>
          </>
        )}
        {canEdit && !editing && !pendingTask && (
          <Menu
            label={`Actions for task ${task.title}`}
            items={[
              { label: 'Edit title', onSelect: () => setEditing(true) },
              { label: 'Add a task below', onSelect: () => actions.insertAfter(task) },
              { label: 'Archive', onSelect: () => actions.archive(task) },
              { label: 'Delete', danger: true, onSelect: () => actions.remove(task) },
            ]}
          >
            ⋯
          </Menu>
        )}
      </div>
      <TaskCardBody task={task} members={members} flash={flash} />
    </article>
  );
});

