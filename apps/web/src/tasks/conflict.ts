import type { UpdateTaskInput } from '@tasklane/client';
import type { TaskView } from '@tasklane/contracts';

/** A refused edit of a task that changed meanwhile (412): what I wanted, what is there now, and who changed it. */
export interface Conflict {
  task: TaskView;
  mine: UpdateTaskInput;
  changedBy: string;
}
