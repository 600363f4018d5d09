import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A due-date reminder that was sent: one row per (task, kind, due date). The `reminders.due` job
 * inserts it in the transaction of its notification and notifies only when the insert added the
 * row, so a reminder goes out once however often a job for that date runs (a reopened or restored
 * task gets a job again when the first one ran; the tasks of a restored column get theirs again,
 * maybe beside waiting ones). Goes with its task; retention
 * deletes it 15 days after its due date (REMINDERS_SENT_RETENTION_S), through ix_reminders_sent_due_at.
 */
@Entity('reminders_sent')
export class ReminderSent {
  @PrimaryColumn('uuid', { name: 'task_id' })
  taskId: string;

  @ManyToOne('Task', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: unknown;

  @PrimaryColumn('text')
  kind: 'due_soon' | 'overdue';

  @Index('ix_reminders_sent_due_at')
  @PrimaryColumn('timestamptz', { name: 'due_at' })
  dueAt: Date;

  @Column('timestamptz', { name: 'sent_at', default: () => 'now()' })
  sentAt: Date;
}
