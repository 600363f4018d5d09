import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
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
  /**
   * Set when the task is no longer on the board (deleted or archived elsewhere: by someone else, or in another tab): the notice
   * shown, with the form kept read only (what was typed stays, to copy) and nothing to save.
   */
  gone?: string | null;
  /** The task's activity list, shown under the form. */
  activity?: ReactNode;
  onClose(): void;
  /**
   * `base` is the task as the edit started from (when the dialog opened, or as last saved from it):
   * its version goes into If-Match. Resolves to 'done' when everything was saved or a conflict took
   * over (the dialog then closes itself, if still open); otherwise the dialog stays open with what
   * was typed, a failure given to `report` shows in it (`report` answers false once the dialog is
   * closed: the page shows it then), and the promise resolves to the task as saved when the edit
   * was but the move was not (the next Save sends only the move), else undefined.
   */
  onSave(base: TaskView, patch: UpdateTaskInput, columnId: string, report: (message: string) => boolean): Promise<'done' | TaskView | undefined>;
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
export function TaskDialog({ task, columns, members, canEdit, gone = null, activity, onClose, onSave, onDelete, onArchive, rest, me, isOwner, subscribe, generation }: Props) {
  const boardLabels = useLabels();
  // The version this edit started from: later live updates must not move the base of the edit (a
  // save that got half-way, the edit without the move, moves it to what was saved).
  const [base, setBase] = useState(task);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  // A failure reported while the task was gone is not shown then, and is out of date should the
  // task come back: dropped whenever `gone` changes (state set while rendering, React's pattern).
  const [goneBefore, setGoneBefore] = useState(gone);
  if (gone !== goneBefore) {
    setGoneBefore(gone);
    setSaveError(null);
  }
  // A save outlives the dialog when it is closed meanwhile: what it settles to must not close or
  // fill another dialog opened since (a new instance), so it acts only while this one is open.
  const open = useRef(true);
  useEffect(() => {
    open.current = true;
    return () => void (open.current = false);
  }, []);
  const report = useCallback((message: string) => {
    if (open.current) setSaveError(message);
    return open.current;
  }, []);
  const [values, setValues] = useState(() => toFormValues(task));
  const [columnId, setColumnId] = useState(task.columnId);
  // A column deleted or archived since it was chosen is no longer offered: back to the task's own.
  const chosenColumn = columns.some((c) => c.id === columnId) ? columnId : base.columnId;
  const [confirmDelete, setConfirmDelete] = useState(false);
  const readOnly = !canEdit || gone !== null;
  return (
    <Dialog title={canEdit ? 'Edit task' : task.title} onClose={onClose}>
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          // Enter in a text box submits even without a Save button (a viewer's, a removed task's).
          if (saving || readOnly) return;
          setSaving(true);
          setSaveError(null);
          // A label deleted meanwhile is no longer offered, so it cannot be unticked: left out on
          // both sides (deleting a label does not change the task's version, so the base still
          // lists it), rather than the save refused for it or sent as a change of labels.
          const kept = (ids: readonly string[]) => ids.filter((id) => boardLabels.has(id));
          const patch = taskPatch({ ...base, labelIds: kept(base.labelIds) }, { ...values, labelIds: kept(values.labelIds) });
          void onSave(base, patch, chosenColumn, report).then((outcome) => {
            if (!open.current) return;
            if (outcome === 'done') return onClose();
            setSaving(false);
            if (outcome) setBase(outcome);
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
            <select className={ui.input} value={chosenColumn} disabled={readOnly} onChange={(e) => setColumnId(e.target.value)}>
              {columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {gone !== null ? (
          <>
            <p role="alert" className={ui.alert}>
              {gone}
            </p>
            <div className={styles.actions}>
              <Button onClick={onClose}>Close</Button>
            </div>
          </>
        ) : saveError && (
          <p role="alert" className={ui.alert}>
            {saveError}
          </p>
        )}
        {gone !== null ? null : canEdit ? (
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
      <ChecklistSection rest={rest} boardId={task.boardId} taskId={task.id} canEdit={!readOnly} subscribe={subscribe} generation={generation} />
      <CommentThread rest={rest} boardId={task.boardId} taskId={task.id} me={me} canComment={!readOnly} isOwner={isOwner} members={members} subscribe={subscribe} generation={generation} />
      {activity && (
        <details className={styles.activity} open>
          <summary>Activity</summary>
          {activity}
        </details>
      )}
    </Dialog>
  );
}
