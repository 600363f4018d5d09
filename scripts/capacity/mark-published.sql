-- The relay's batched "published" mark (board-events.repository.ts markPublished): up to 100 of
-- the oldest unpublished events per statement, as each replica does every RELAY_MARK_INTERVAL_MS.
UPDATE board_events e SET published_at = now()
FROM (SELECT board_id, seq FROM board_events WHERE published_at IS NULL ORDER BY occurred_at LIMIT 100 FOR UPDATE SKIP LOCKED) m
WHERE e.board_id = m.board_id AND e.seq = m.seq;
