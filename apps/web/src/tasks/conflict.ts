import type { UpdateTaskInput } from '@tasklane/client';
import type { TaskView } from '@tasklane/contracts';

/**
 * A refused edit of a task that changed meanwhile (412): what I wanted, what is there now, and who
 * changed it. `columnId`: the column the edit's dialog moved the task to, when it did (the move is
 * sent after the edit, so it waits for the conflict's answer too).
 */
export interface Conflict {
  task: TaskView;
  mine: UpdateTaskInput;
  changedBy: string;
  columnId?: string;
}
