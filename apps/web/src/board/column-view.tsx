import { memo, useCallback, useRef, useState, type FormEvent } from 'react';
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import type { ColumnView as Column, MemberView, TaskView } from '@tasklane/contracts';
import { Button } from '../ui/button.js';
import { Menu } from '../ui/menu.js';
import { TaskCard, type TaskActions } from './task-card.js';
import type { Flash } from './use-board.js';
import styles from './board.module.css';

export interface ColumnActions {
  rename(column: Column, name: string): void;
  move(column: Column, direction: -1 | 1): void;
  remove(column: Column): void;
  archive(column: Column): void;
  addTask(column: Column, title: string, afterTaskId?: string): void;
}

interface Props {
  column: Column;
  index: number;
  count: number;
  tasks: TaskView[];
  members: ReadonlyMap<string, MemberView>;
  canEdit: boolean;
  flashes: ReadonlyMap<string, Flash>;
  activeId: string | null;
  insertAfter: TaskView | null;
  onInsertDone(): void;
  actions: ColumnActions;
  taskActions: TaskActions;
}

/**
 * One column: its header (rename, move, delete), its tasks in a virtualised list (only the visible
 * ones are in the DOM, so 5,000 tasks scroll smoothly; the dragged one stays rendered), a drop
 * zone for dnd-kit, and the "add a task" form (at the end, or after a chosen task).
 */
export const ColumnView = memo(function ColumnView(props: Props) {
  const { column, index, count, tasks, members, canEdit, flashes, activeId, insertAfter, onInsertDone, actions, taskActions } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [renaming, setRenaming] = useState(false);
  const { setNodeRef, isOver } = useDroppable({ id: `column:${column.id}`, data: { type: 'column', columnId: column.id }, disabled: !canEdit });
  const activeIndex = activeId ? tasks.findIndex((t) => t.id === activeId) : -1;
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      return activeIndex >= 0 && !indexes.includes(activeIndex) ? [...indexes, activeIndex].sort((a, b) => a - b) : indexes;
    },
    [activeIndex],
  );
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 64,
    overscan: 8,
    gap: 8,
    getItemKey: (i) => tasks[i].id,
    rangeExtractor,
  });
  const pending = column.id.startsWith('pending-');

  function addTask(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const title = String(new FormData(form).get('title') ?? '').trim();
    if (!title) return;
    actions.addTask(column, title, insertAfter?.id);
    form.reset();
    onInsertDone();
  }

  return (
    <section className={`${styles.column} ${flashes.has(column.id) ? styles.flash : ''}`} aria-label={`Column ${column.name}`} data-column-id={column.id}>
      <header className={styles.columnHeader}>
        {renaming ? (
          <form
            className={styles.inlineForm}
            onSubmit={(e) => {
              e.preventDefault();
              const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
              setRenaming(false);
              if (name && name !== column.name) actions.rename(column, name);
            }}
          >
            <input
              name="name"
              aria-label={`Name of column ${column.name}`}
              defaultValue={column.name}
              maxLength={200}
              autoFocus
              className={styles.inlineInput}
              onKeyDown={(e) => e.key === 'Escape' && setRenaming(false)}
              onBlur={(e) => e.currentTarget.form?.requestSubmit()}
            />
          </form>
        ) : (
          <h2 className={styles.columnName} onDoubleClick={() => canEdit && !pending && setRenaming(true)}>
            {column.name}
          </h2>
        )}
        <span className={styles.count} aria-label={`${tasks.length} tasks`}>
          {tasks.length}
        </span>
        {flashes.has(column.id) && (
          <span className={styles.flashBadge} aria-hidden="true">
            {flashes.get(column.id)?.actor}
          </span>
        )}
        {canEdit && !pending && (
          <Menu
            label={`Actions for column ${column.name}`}
            items={[
              { label: 'Rename', onSelect: () => setRenaming(true) },
              { label: 'Move left', disabled: index === 0, onSelect: () => actions.move(column, -1) },
              { label: 'Move right', disabled: index === count - 1, onSelect: () => actions.move(column, 1) },
              { label: 'Archive column', onSelect: () => actions.archive(column) },
              { label: 'Delete column', danger: true, onSelect: () => actions.remove(column) },
            ]}
          >
            ⋯
          </Menu>
        )}
      </header>
      <div ref={scrollRef} className={styles.columnScroll}>
        <div ref={setNodeRef} className={`${styles.dropZone} ${isOver ? styles.over : ''}`} style={{ height: Math.max(virtualizer.getTotalSize(), 48) }}>
          <SortableContext items={tasks.map((t) => t.id)} strategy={verticalListSortingStrategy}>
            {virtualizer.getVirtualItems().map((item) => {
              const task = tasks[item.index];
              return (
                <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className={styles.virtualRow} style={{ transform: `translateY(${item.start}px)` }}>
                  <TaskCard task={task} members={members} canEdit={canEdit} flash={flashes.get(task.id)} actions={taskActions} />
                </div>
              );
            })}
          </SortableContext>
        </div>
      </div>
      {canEdit && !pending && (
        <form className={styles.addTask} onSubmit={addTask} aria-label={`Add a task to ${column.name}`}>
          {insertAfter && (
            <p className={styles.insertNote}>
              After “{insertAfter.title}”{' '}
              <Button small variant="ghost" onClick={onInsertDone}>
                Cancel
              </Button>
            </p>
          )}
          <input
            name="title"
            className={styles.inlineInput}
            aria-label={insertAfter ? `New task after ${insertAfter.title}` : `New task in ${column.name}`}
            placeholder="Add a task…"
            maxLength={500}
            autoFocus={insertAfter !== null}
            key={insertAfter?.id ?? 'end'}
          />
          <Button type="submit" small>
            Add
          </Button>
        </form>
      )}
    </section>
  );
});
