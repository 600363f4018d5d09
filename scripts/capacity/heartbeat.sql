-- One replica's heartbeat (apps/api/src/realtime/board-rooms.service.ts, every SEQ_HEARTBEAT_MS)
-- for 5,000 sockets, each in its own board room: the membership sweep over every (board, user)
-- pair (board-members.repository.ts existing) and the seqs of every room's board
-- (board-events.repository.ts seqsOf). One transaction = one beat = 5,000 pairs + 5,000 boards.
\set s random(1, :boards - 5000)
SELECT count(*) FROM board_members
WHERE (board_id, user_id) IN (SELECT md5(n::text)::uuid, '00000000-0000-4000-8000-000000000001'::uuid FROM generate_series(:s, :s + 4999) n);
SELECT count(*) FROM board_streams WHERE board_id = ANY (ARRAY(SELECT md5(n::text)::uuid FROM generate_series(:s, :s + 4999) n));
