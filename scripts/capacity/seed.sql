-- Seed for the pgbench runs of scripts/capacity-limits.sh, on a scratch database that already has
-- every migration: one user, :boards boards (ids md5(n)), each with its stream, one column
-- (id md5('c' || n)) and the user as owner. psql -v boards=N -f seed.sql
INSERT INTO users (id, email, name, password_hash)
VALUES ('00000000-0000-4000-8000-000000000001', 'capacity@example.com', 'capacity', 'x');
INSERT INTO boards (id, name, created_by)
SELECT md5(n::text)::uuid, 'board ' || n, '00000000-0000-4000-8000-000000000001' FROM generate_series(1, :boards) n;
INSERT INTO board_streams (board_id) SELECT md5(n::text)::uuid FROM generate_series(1, :boards) n;
INSERT INTO board_members (board_id, user_id, role)
SELECT md5(n::text)::uuid, '00000000-0000-4000-8000-000000000001', 'owner' FROM generate_series(1, :boards) n;
INSERT INTO columns (id, board_id, name, position)
SELECT md5('c' || n)::uuid, md5(n::text)::uuid, 'To do', 'a0' FROM generate_series(1, :boards) n;
ANALYZE;
