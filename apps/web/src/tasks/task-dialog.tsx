import { useState, type ReactNode } from 'react';
import type { TasklaneRestClient, UpdateTaskInput } from '@tasklane/client';
import type { AnyBoardEvent, ColumnView, MemberView, TaskView } from '@tasklane/contracts';
import { ChecklistSection } from '../checklists/checklist-section.js';
import { CommentThread } from '../comments/comment-thread.js';
import { LabelChip, useLabels } from '../labels/labels-context.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import ui from '../ui/ui.module.css';
import { taskPatch, toFormValues } from './task-form.js';
import styles from './tasks.module.css';

interface Props {
  task: TaskView;
  columns: ColumnView[];
  members: MemberView[];
  canEdit: boolean;
  /** The task's activity list, shown under the form. */
  activity?: ReactNode;
  onClose(): void;
  /**
   * `base` is the task as the edit started from (when the dialog opened, or as last saved from it):
   * its version goes into If-Match. Closes the dialog when everything was saved (or on a conflict);
   * otherwise the dialog stays open with what was typed and the failure given to `report` (shown in
   * the dialog), and the promise resolves to the task as saved when the edit was but the move was
   * not (the next Save sends only the move), else undefined.
   */
  onSave(base: TaskView, patch: UpdateTaskInput, columnId: string, report: (message: string) => void): Promise<TaskView | undefined>;
  onDelete(): void;
  onArchive(): void;
  rest: TasklaneRestClient;
  me: string;
  isOwner: boolean;
  subscribe(listener: (event: AnyBoardEvent) => void): () => void;
  /** The board's snapshot generation (BoardHandle.generation): the checklist and comments read again when it changes. */
  generation: number;
}

/**
 * A task's details: title, description, labels (picked from the board's), assignees (board
 * members), a Done box (marks the task completed, or reopens it), due date and column; below, its checklist and comments, both live. Editors save the
 * changed fields (sent with If-Match of the version opened, so a change made meanwhile by someone
 * else is a conflict, not overwritten); viewers read.
 */
export function TaskDialog({ task, columns, members, canEdit, activity, onClose, onSave, onDelete, onArchive, rest, me, isOwner, subscribe, generation }: Props) {
  const boardLabels = useLabels();
  // The version this edit started from: later live updates must not move the base of the edit (a
  // save that got half-way, the edit without the move, moves it to what was saved).
  const [base, setBase] = useState(task);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [values, setValues] = useState(() => toFormValues(task));
  const [columnId, setColumnId] = useState(task.columnId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const readOnly = !canEdit;
  return (
    <Dialog title={readOnly ? task.title : 'Edit task'} onClose={onClose}>
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (saving) return;
          setSaving(true);
          setSaveError(null);
          // A label deleted meanwhile is no longer offered, so it cannot be unticked: leave it out
          // rather than have the whole save refused for it.
          const patch = taskPatch(base, { ...values, labelIds: values.labelIds.filter((id) => boardLabels.has(id)) });
          void onSave(base, patch, columnId, setSaveError).then((saved) => {
            // Still mounted only when the save failed, in part or in full (saved: the edit was, the move not).
            setSaving(false);
            if (saved) setBase(saved);
          });
        }}
      >
        <label className={ui.field}>
          <span>Title</span>
          <input className={ui.input} value={values.title} readOnly={readOnly} required maxLength={500} onChange={(e) => setValues({ ...values, title: e.target.value })} />
        </label>
        <label className={ui.field}>
          <span>Description</span>
          <textarea className={ui.input} value={values.description} readOnly={readOnly} maxLength={10000} onChange={(e) => setValues({ ...values, description: e.target.value })} />
        </label>
        <fieldset className={styles.assignees}>
          <legend>Labels</legend>
          {boardLabels.size === 0 && <span className={styles.note}>No labels yet: add some from the board’s Labels button.</span>}
          {[...boardLabels.values()].map((l) => (
            <label key={l.id} className={styles.check}>
              <input
                type="checkbox"
                disabled={readOnly}
                checked={values.labelIds.includes(l.id)}
                onChange={(e) => setValues({ ...values, labelIds: e.target.checked ? [...values.labelIds, l.id] : values.labelIds.filter((id) => id !== l.id) })}
              />
              <LabelChip label={l} className={styles.chip} />
            </label>
          ))}
        </fieldset>
        <fieldset className={styles.assignees}>
          <legend>Assignees</legend>
          {members.map((m) => (
            <label key={m.userId} className={styles.check}>
              <input
                type="checkbox"
                disabled={readOnly}
                checked={values.assigneeIds.includes(m.userId)}
                onChange={(e) =>
                  setValues({ ...values, assigneeIds: e.target.checked ? [...values.assigneeIds, m.userId] : values.assigneeIds.filter((id) => id !== m.userId) })
                }
              />
              {m.name}
            </label>
          ))}
        </fieldset>
        <label className={styles.check}>
          <input type="checkbox" disabled={readOnly} checked={values.done} onChange={(e) => setValues({ ...values, done: e.target.checked })} />
          Done
        </label>
        <div className={styles.row}>
          <label className={ui.field}>
            <span>Due date</span>
            <input className={ui.input} type="date" value={values.due} readOnly={readOnly} onChange={(e) => setValues({ ...values, due: e.target.value })} />
          </label>
          <label className={ui.field}>
            <span>Column</span>
            <select className={ui.input} value={columnId} disabled={readOnly} onChange={(e) => setColumnId(e.target.value)}>
              {columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {saveError && (
          <p role="alert" className={ui.alert}>
            {saveError}
          </p>
        )}
        {canEdit ? (
          <div className={styles.actions}>
            <Button type="submit" variant="primary" disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </Button>
            <Button onClick={onClose}>Cancel</Button>
            <span className={styles.spacer} />
            <Button onClick={onArchive}>Archive</Button>
            {confirmDelete ? (
              <Button variant="danger" onClick={onDelete}>
                Really delete
              </Button>
            ) : (
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                Delete task
              </Button>
            )}
          </div>
        ) : (
          <p className={styles.note}>You can view this board but not change it.</p>
        )}
      </form>
      <ChecklistSection rest={rest} boardId={task.boardId} taskId={task.id} canEdit={canEdit} subscribe={subscribe} generation={generation} />
      <CommentThread rest={rest} boardId={task.boardId} taskId={task.id} me={me} canComment={canEdit} isOwner={isOwner} members={members} subscribe={subscribe} generation={generation} />
      {activity && (
        <details className={styles.activity} open>
          <summary>Activity</summary>
          {activity}
        </details>
      )}
    </Dialog>
  );
}
