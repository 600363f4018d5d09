import type { UpdateTaskInput } from '@tasklane/client';
import type { TaskView } from '@tasklane/contracts';

/** The task dialog's fields as typed. */
export interface TaskFormValues {
  title: string;
  description: string;
  /** Ids of the board's labels, in the order picked. */
  labelIds: string[];
  assigneeIds: string[];
  /** `YYYY-MM-DD` or '' (no due date). */
  due: string;
  /** The "Done" checkbox. */
  done: boolean;
}

export const toFormValues = (t: TaskView): TaskFormValues => ({
  title: t.title,
  description: t.description,
  labelIds: [...t.labelIds],
  assigneeIds: [...t.assigneeIds],
  due: t.dueAt ? t.dueAt.slice(0, 10) : '',
  done: t.completedAt !== null,
});

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The PATCH body for what changed between `task` and the form: only changed fields; label ids
 * deduplicated (order kept); a due date is the end of that day in UTC, '' clears it; `completed`
 * only when the Done box differs from the task's state.
 */
export function taskPatch(task: TaskView, v: TaskFormValues): UpdateTaskInput {
  const patch: UpdateTaskInput = {};
  const title = v.title.trim();
  if (title && title !== task.title) patch.title = title;
  if (v.description !== task.description) patch.description = v.description;
  const labelIds = [...new Set(v.labelIds)];
  if (!sameList(labelIds, task.labelIds)) patch.labelIds = labelIds;
  const assignees = [...v.assigneeIds].sort();
  if (!sameList(assignees, [...task.assigneeIds].sort())) patch.assigneeIds = assignees;
  const dueAt = v.due ? `${v.due}T23:59:59.000Z` : null;
  if ((task.dueAt?.slice(0, 10) ?? null) !== (dueAt?.slice(0, 10) ?? null)) patch.dueAt = dueAt;
  if (v.done !== (task.completedAt !== null)) patch.completed = v.done;
  return patch;
}
