import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import {
  closestCorners,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import type { ColumnView as Column, LabelView, MemberView, TaskView, UserView } from '@tasklane/contracts';
import { isTemporaryFailure } from '@tasklane/client';
import { failedMessage } from '../api/describe-error.js';
import { useSessionObject } from '../api/session-context.js';
import { ArchiveDialog } from '../archive/archive-dialog.js';
import { LabelManager } from '../labels/label-manager.js';
import { LabelsContext } from '../labels/labels-context.js';
import { MembersDialog } from '../members/members-dialog.js';
import { navigate, useTaskParam } from '../router.js';
import { ConflictDialog } from '../tasks/conflict-dialog.js';
import { TaskDialog } from '../tasks/task-dialog.js';
import { AppHeader } from '../header/app-header.js';
import { Avatar } from '../ui/avatar.js';
import { Button } from '../ui/button.js';
import { Dialog, PageAlertContext } from '../ui/dialog.js';
import { Menu } from '../ui/menu.js';
import { downloadExport } from '../transfer/download-export.js';
import { WebhooksDialog } from '../webhooks/webhooks-dialog.js';
import ui from '../ui/ui.module.css';
import { ActivityList } from './activity-panel.js';
import activityStyles from './activity.module.css';
import { anchorsFor, dropTarget, keepUnchanged, presenceList, tasksByColumn } from './board-model.js';
import { ColumnView, type ColumnActions } from './column-view.js';
import { TaskCardBody, type TaskActions } from './task-card.js';
import { useBoard, type BoardHandle, type FailureReport } from './use-board.js';
import styles from './board.module.css';

const STATUS_TEXT = { connecting: 'Connecting…', live: 'Live', 'catching-up': 'Catching up…', reconnecting: 'Reconnecting…', closed: 'Offline' } as const;

/** One board: columns side by side, live, with presence, drag and drop, and the task dialog. */
export function BoardPage({ boardId, user }: { boardId: string; user: UserView }) {
  const session = useSessionObject();
  const board = useBoard(session, boardId, user.id);
  const handle = useRef<BoardHandle>(board);
  handle.current = board;
  const state = board.board;
  const canEdit = board.role === 'owner' || board.role === 'editor';
  const [openTaskId, setOpenTaskId] = useState<string | null>(null);
  const [insertAfter, setInsertAfter] = useState<TaskView | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  const [showLabels, setShowLabels] = useState(false);
  const [showArchive, setShowArchive] = useState(false);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [renamingBoard, setRenamingBoard] = useState(false);
  const [deletingColumn, setDeletingColumn] = useState<Column | null>(null);
  const [showActivity, setShowActivity] = useState(false);
  const [showWebhooks, setShowWebhooks] = useState(false);
  const [transferMessage, setTransferMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [taskParam, clearTaskParam] = useTaskParam();
  const { error: boardError, dismissError } = board;
  const pageAlert = useMemo(() => ({ text: boardError, dismiss: dismissError }), [boardError, dismissError]);
  // A notification or search hit opened this page for one task: open its dialog once the board is
  // loaded (not over a dialog already open), or say that the task is gone.
  useEffect(() => {
    if (!taskParam || !state) return;
    clearTaskParam();
    if (state.tasks.some((t) => t.id === taskParam)) setOpenTaskId((open) => open ?? taskParam);
    else setTransferMessage({ ok: false, text: 'That task is no longer on this board: it was deleted or archived.' });
  }, [taskParam, state, clearTaskParam]);
  // The open task as last seen on the board. When someone else deletes or archives it, its dialog
  // stays, read only, saying who removed it and keeping what was typed (to copy), rather than
  // closing with the text lost; should the task be restored, the dialog can save again. (State set
  // while rendering: React's pattern for information from earlier renders.)
  const [lastOpenTask, setLastOpenTask] = useState<TaskView | null>(null);
  const openTask = openTaskId ? state?.tasks.find((t) => t.id === openTaskId) : undefined;
  if (openTask && openTask !== lastOpenTask) setLastOpenTask(openTask);
  const dialogTask = openTask ?? (state && lastOpenTask?.id === openTaskId ? lastOpenTask : undefined);
  // A task asked for that is gone before its dialog ever showed: nothing is open.
  if (state && openTaskId && !dialogTask) setOpenTaskId(null);
  // Who removed it: the task's latest removal or restore received live (a removal followed by a
  // restore is not what removed it now: it went with its column, or in a resync).
  const latest = !openTask && dialogTask ? board.liveActivity.find((e) => e.taskId === dialogTask.id && (e.type === 'task.deleted' || e.type === 'task.archived' || e.type === 'task.restored')) : undefined;
  const removal = latest?.type === 'task.restored' ? undefined : latest;
  const goneNotice = !openTask && dialogTask ? `${removal?.text ?? `“${dialogTask.title}” was deleted or archived`}. What you typed is kept here to copy, but it can no longer be saved.` : null;
  const loadBoardActivity = useCallback((cursor?: string) => session.rest.boardActivity(boardId, { cursor }), [session, boardId]);
  const loadTaskActivity = useCallback((cursor?: string) => session.rest.taskActivity(boardId, openTaskId ?? '', { cursor }), [session, boardId, openTaskId]);

  const previousGroups = useRef(new Map<string, TaskView[]>());
  const byColumn = useMemo(() => {
    const groups = keepUnchanged(previousGroups.current, state ? tasksByColumn(state) : new Map<string, TaskView[]>());
    previousGroups.current = groups;
    return groups;
  }, [state]);
  const members = useMemo(() => new Map<string, MemberView>((state?.members ?? []).map((m) => [m.userId, m])), [state?.members]);
  const labels = useMemo(() => new Map<string, LabelView>((state?.labels ?? []).map((l) => [l.id, l])), [state?.labels]);
  const subscribe = useCallback((listener: Parameters<BoardHandle['subscribe']>[0]) => handle.current.subscribe(listener), []);
  const viewers = useMemo(() => presenceList(board.viewers, state?.members ?? [], user.id), [board.viewers, state?.members, user.id]);
  const taskById = useCallback((id: string) => handle.current.board?.tasks.find((t) => t.id === id), []);
  const insertDone = useCallback(() => setInsertAfter(null), []);

  const taskActions = useMemo<TaskActions>(
    () => ({
      open: (task) => setOpenTaskId(task.id),
      rename: (task, title) => void handle.current.updateTask(task, { title }),
      insertAfter: (task) => setInsertAfter(task),
      remove: (task) => handle.current.deleteTask(task),
      archive: (task) => handle.current.archiveTask(task),
    }),
    [],
  );
  const columnActions = useMemo<ColumnActions>(
    () => ({
      rename: (column, name) => handle.current.updateColumn(column, { name }),
      move: (column, direction) => {
        const columns = handle.current.board?.columns ?? [];
        const i = columns.findIndex((c) => c.id === column.id);
        const afterColumnId = direction < 0 ? (columns[i - 2]?.id ?? null) : columns[i + 1]?.id;
        if (afterColumnId !== undefined) handle.current.updateColumn(column, { afterColumnId });
      },
      remove: (column) => setDeletingColumn(column),
      archive: (column) => handle.current.archiveColumn(column),
      addTask: (column, title, afterTaskId) => handle.current.createTask(column.id, title, afterTaskId ? { afterTaskId } : {}),
    }),
    [],
  );

  // The task being dragged, as it was when the drag started (its column stays its home while dragging).
  const activeTask = useMemo(() => (activeId ? taskById(activeId) : undefined), [activeId, taskById]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const titleOf = (id: string | number) => taskById(String(id))?.title ?? 'task';
  const columnNameOf = (columnId: unknown) => state?.columns.find((c) => c.id === columnId)?.name ?? 'a column';
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up task ${titleOf(active.id)}. Use the arrow keys to move it, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `Task ${titleOf(active.id)} is over ${columnNameOf(over.data.current?.columnId)}.` : `Task ${titleOf(active.id)} is not over a column.`),
    onDragEnd: ({ active, over }) => (over ? `Task ${titleOf(active.id)} was dropped in ${columnNameOf(over.data.current?.columnId)}.` : `Task ${titleOf(active.id)} was dropped.`),
    onDragCancel: ({ active }) => `Moving task ${titleOf(active.id)} was cancelled.`,
  };

  function onDragEnd(e: DragEndEvent) {
    setActiveId(null);
    const task = taskById(String(e.active.id));
    const over = e.over;
    if (!task || !over || over.id === e.active.id) return;
    const data = over.data.current as { type: 'task' | 'column'; columnId: string } | undefined;
    if (!data) return;
    const target = dropTarget(byColumn, { taskId: task.id }, { taskId: data.type === 'task' ? String(over.id) : undefined, columnId: data.columnId });
    const columnTasks = byColumn.get(target.columnId) ?? [];
    const currentIndex = columnTasks.findIndex((t) => t.id === task.id);
    if (target.columnId === task.columnId && currentIndex === target.index) return;
    void handle.current.moveTask(task, target.columnId, anchorsFor(columnTasks, task.id, target.index));
  }

  /**
   * Moves `task` to the end of column `columnId` (the task dialog's column choice): no anchor, so
   * the server puts it after whatever is last by then (an anchor could be moved or deleted
   * meanwhile); false when it failed (with a message on the page, or given to `report`).
   */
  function moveToEnd(task: TaskView, columnId: string, report?: FailureReport): Promise<boolean> {
    return handle.current.moveTask(task, columnId, {}, report);
  }

  function addColumn(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (name) board.createColumn(name);
    form.reset();
  }

  async function exportAs(format: 'json' | 'csv') {
    setTransferMessage(null);
    try {
      const name = await downloadExport(session.rest, boardId, format);
      setTransferMessage({ ok: true, text: `Downloaded ${name}.` });
    } catch (error) {
      setTransferMessage({ ok: false, text: failedMessage('The export', error) });
    }
  }

  if (board.removed) {
    return (
      <>
        <AppHeader user={user} />
        <main className={styles.message}>
          <h1>This board is no longer available</h1>
          <p>{board.removed === 'board deleted' ? 'It was deleted.' : 'You are no longer a member of it, or it was deleted.'}</p>
          <Button variant="primary" onClick={() => navigate('/')}>
            Back to your boards
          </Button>
        </main>
      </>
    );
  }

  return (
    <LabelsContext.Provider value={labels}>
    <PageAlertContext.Provider value={pageAlert}>
    <div className={styles.page}>
      <AppHeader user={user}>
        <Button small variant="ghost" onClick={() => navigate('/')} aria-label="Back to your boards">
          ← Boards
        </Button>
        {renamingBoard && state ? (
          <form
            className={styles.inlineForm}
            onSubmit={(e) => {
              e.preventDefault();
              const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
              setRenamingBoard(false);
              if (name && name !== state.name) board.renameBoard(name);
            }}
          >
            <input name="name" aria-label="Board name" defaultValue={state.name} autoFocus maxLength={200} className={styles.inlineInput} onBlur={(e) => e.currentTarget.form?.requestSubmit()} />
          </form>
        ) : (
          <h1 className={styles.boardName}>{state?.name ?? 'Loading…'}</h1>
        )}
        {canEdit && !renamingBoard && state && (
          <Button small variant="ghost" onClick={() => setRenamingBoard(true)}>
            Rename
          </Button>
        )}
        <div className={styles.status} role="status" aria-label="Connection" data-status={board.status}>
          <span className={styles.dot} aria-hidden="true" />
          {STATUS_TEXT[board.status]}
        </div>
        <ul className={styles.presence} aria-label="Viewing now">
          {viewers.map((m) => (
            <li key={m.userId}>
              <Avatar userId={m.userId} name={m.name} label={m.userId === user.id ? `${m.name} (you)` : m.name} small />
            </li>
          ))}
        </ul>
        {state && (
          <Button small onClick={() => setShowMembers(true)}>
            Members ({state.members.length})
          </Button>
        )}
        {state && (
          <Button small onClick={() => setShowLabels(true)}>
            Labels ({state.labels.length})
          </Button>
        )}
        {state && (
          <Button small onClick={() => setShowArchive(true)}>
            Archive
          </Button>
        )}
        {state && (
          <Menu
            label="Board settings"
            text
            items={[
              ...(board.role === 'owner' ? [{ label: 'Webhooks', onSelect: () => setShowWebhooks(true) }] : []),
              { label: 'Export JSON', onSelect: () => void exportAs('json') },
              { label: 'Export CSV', onSelect: () => void exportAs('csv') },
            ]}
          >
            Settings ▾
          </Menu>
        )}
        {board.role === 'viewer' && <span className={styles.readOnly}>Read only</span>}
        <Button small aria-pressed={showActivity} onClick={() => setShowActivity(!showActivity)}>
          Activity
        </Button>
      </AppHeader>
      <div className={styles.alerts}>
        {transferMessage && (
          <div role={transferMessage.ok ? 'status' : 'alert'} className={ui.alert} data-ok={transferMessage.ok || undefined}>
            <span>{transferMessage.text}</span>
            <Button small onClick={() => setTransferMessage(null)}>
              Dismiss
            </Button>
          </div>
        )}
        {board.error && (
          <div role="alert" className={ui.alert}>
            <span>{board.error}</span>
            <Button small onClick={board.dismissError}>
              Dismiss
            </Button>
          </div>
        )}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {board.activity}
      </p>
      <div className={styles.body}>
        {!state ? (
          <p role="status" className={styles.message}>
            Loading the board…
          </p>
        ) : (
          <DndContext
            sensors={sensors}
            collisionDetection={closestCorners}
            accessibility={{ announcements }}
            onDragStart={(e: DragStartEvent) => setActiveId(String(e.active.id))}
            onDragCancel={() => setActiveId(null)}
            onDragEnd={onDragEnd}
          >
            <main className={styles.columns} aria-label="Columns">
              {state.columns.map((column, i) => (
                <ColumnView
                  key={column.id}
                  column={column}
                  index={i}
                  count={state.columns.length}
                  tasks={byColumn.get(column.id) ?? []}
                  members={members}
                  canEdit={canEdit}
                  flashes={board.flashes}
                  activeId={activeTask?.columnId === column.id ? activeTask.id : null}
                  insertAfter={insertAfter?.columnId === column.id ? insertAfter : null}
                  onInsertDone={insertDone}
                  actions={columnActions}
                  taskActions={taskActions}
                />
              ))}
              {canEdit && (
                <form className={styles.addColumn} onSubmit={addColumn} aria-label="Add a column">
                  <input name="name" className={styles.inlineInput} aria-label="New column name" placeholder="Add a column…" maxLength={200} />
                  <Button type="submit" small>
                    Add column
                  </Button>
                </form>
              )}
            </main>
            <DragOverlay>
              {activeTask && (
                <article className={`${styles.card} ${styles.overlay}`}>
                  <div className={styles.cardTop}>
                    <span className={styles.handle}>⠿</span>
                    <span className={styles.title}>{activeTask.title}</span>
                  </div>
                  <TaskCardBody task={activeTask} members={members} />
                </article>
              )}
            </DragOverlay>
          </DndContext>
        )}
        {showActivity && (
          <aside className={activityStyles.panel} aria-labelledby="activity-title">
            <h2 id="activity-title">Activity</h2>
            <ActivityList load={loadBoardActivity} live={board.liveActivity} label="Board activity" />
          </aside>
        )}
      </div>
      {dialogTask && state && (
        <TaskDialog
          key={dialogTask.id}
          task={dialogTask}
          gone={goneNotice}
          columns={state.columns}
          members={state.members}
          canEdit={canEdit}
          activity={<ActivityList load={loadTaskActivity} live={board.liveActivity.filter((e) => e.taskId === dialogTask.id)} label="Task activity" />}
          onClose={() => setOpenTaskId(null)}
          onSave={async (base, patch, columnId, report) => {
            // The edit first, then the move, and only if the column was changed in this dialog (not
            // when someone else moved the task meanwhile): a move raises the version, so sent
            // together the edit could fail its If-Match against the user's own move. The dialog
            // stays open until both are saved: a failure shows in it with what was typed kept; a
            // conflict closes it for the conflict dialog, which carries the edit and the move.
            const again = (error: unknown) => (isTemporaryFailure(error) ? ' Save to try again.' : '');
            const move = columnId === base.columnId ? undefined : columnId;
            let saved = base;
            if (Object.keys(patch).length > 0) {
              const result = await board.updateTask(base, patch, { columnId: move, report: (reason, error) => report(`Not saved. ${reason} What you typed is kept.${again(error)}`) });
              if (result === 'conflict') return 'done';
              if (result === 'failed') return undefined;
              saved = result;
            }
            if (move === undefined) return 'done';
            const column = `“${state.columns.find((c) => c.id === move)?.name ?? 'the column'}”`;
            const moved = await moveToEnd(saved, move, (reason, error) =>
              report(`${saved === base ? `Not moved to ${column}.` : `Your changes were saved, but moving the task to ${column} failed.`} ${reason}${again(error)}`),
            );
            return moved ? 'done' : saved;
          }}
          onDelete={() => {
            setOpenTaskId(null);
            board.deleteTask(dialogTask);
          }}
          onArchive={() => {
            setOpenTaskId(null);
            board.archiveTask(dialogTask);
          }}
          rest={session.rest}
          me={user.id}
          isOwner={board.role === 'owner'}
          subscribe={subscribe}
          generation={board.generation}
        />
      )}
      {board.conflict && (
        <ConflictDialog
          conflict={board.conflict}
          columns={state?.columns ?? []}
          members={state?.members ?? []}
          onKeepTheirs={board.dismissConflict}
          onApplyMine={async () => {
            const { task, mine, columnId } = board.conflict!;
            board.dismissConflict();
            const saved = await board.updateTask(task, mine, { columnId });
            if (typeof saved === 'object' && columnId !== undefined && columnId !== saved.columnId) await moveToEnd(saved, columnId);
          }}
        />
      )}
      {deletingColumn && (
        <Dialog title="Delete column?" onClose={() => setDeletingColumn(null)}>
          <p>
            “{deletingColumn.name}” and its {byColumn.get(deletingColumn.id)?.length ?? 0} tasks will be deleted for everyone.
          </p>
          <div>
            <Button
              variant="danger"
              onClick={() => {
                board.deleteColumn(deletingColumn);
                setDeletingColumn(null);
              }}
            >
              Delete column
            </Button>{' '}
            <Button onClick={() => setDeletingColumn(null)}>Cancel</Button>
          </div>
        </Dialog>
      )}
      {showMembers && state && (
        <MembersDialog boardId={boardId} members={state.members} me={user.id} role={board.role} onClose={() => setShowMembers(false)} onChangeRole={board.changeRole} onRemove={board.removeMember} />
      )}
      {showLabels && state && (
        <LabelManager labels={state.labels} canEdit={canEdit} onClose={() => setShowLabels(false)} onCreate={board.createLabel} onUpdate={board.updateLabel} onDelete={board.deleteLabel} />
      )}
      {showWebhooks && board.role === 'owner' && <WebhooksDialog rest={session.rest} boardId={boardId} onClose={() => setShowWebhooks(false)} />}
      {showArchive && (
        <ArchiveDialog rest={session.rest} boardId={boardId} canEdit={canEdit} onClose={() => setShowArchive(false)} onRestore={board.restore} subscribe={subscribe} generation={board.generation} />
      )}
    </div>
    </PageAlertContext.Provider>
    </LabelsContext.Provider>
  );
}

