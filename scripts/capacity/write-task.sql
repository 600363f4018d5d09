-- One task create as BoardEventsService.write runs it (apps/api/src/events/board-events.service.ts):
-- the board's stream row lock, the role check, the column's tail position, the insert, the event
-- (seq + outbox row, ~600 bytes of JSON like a task.created envelope), commit. Board :n is drawn
-- from 1..:boards, so -D boards=1 makes every client write to one hot board.
\set n random(1, :boards)
BEGIN;
SELECT seq FROM board_streams WHERE board_id = md5(:n::text)::uuid FOR UPDATE;
SELECT role FROM board_members WHERE board_id = md5(:n::text)::uuid AND user_id = '00000000-0000-4000-8000-000000000001';
SELECT position FROM tasks WHERE column_id = md5('c' || :n)::uuid ORDER BY position DESC LIMIT 1;
INSERT INTO tasks (id, board_id, column_id, title, description, position, assignee_ids, labels, due_at, created_by, updated_by)
VALUES (gen_random_uuid(), md5(:n::text)::uuid, md5('c' || :n)::uuid, 'Write the capacity model', '', 'a' || :client_id || '-' || random(), '{}', '{}', NULL,
        '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001');
WITH next AS (UPDATE board_streams SET seq = seq + 1 WHERE board_id = md5(:n::text)::uuid RETURNING seq)
INSERT INTO board_events (board_id, seq, type, actor_id, occurred_at, data, idempotency_key)
SELECT md5(:n::text)::uuid, next.seq, 'task.created', '00000000-0000-4000-8000-000000000001', clock_timestamp(),
       '{"task":{"id":"5b0c1f52-8f57-4a57-9d0e-1c1b7f0e9a11","boardId":"7d6f0e1a-1111-4a57-9d0e-1c1b7f0e9a11","columnId":"9a8b7c6d-2222-4a57-9d0e-1c1b7f0e9a11","title":"Write the capacity model","description":"Sockets per replica, Redis shards, PostgreSQL size","position":"a0V","assigneeIds":["00000000-0000-4000-8000-000000000001"],"labels":["ops"],"dueAt":null,"version":1,"createdAt":"2026-11-30T14:00:00.000Z","updatedAt":"2026-11-30T14:00:00.000Z","createdBy":"00000000-0000-4000-8000-000000000001","updatedBy":"00000000-0000-4000-8000-000000000001"}}'::jsonb,
       NULL
FROM next;
COMMIT;
