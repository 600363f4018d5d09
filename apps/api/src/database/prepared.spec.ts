import { describe, expect, it } from '@jest/globals';
import { statementLabel } from './prepared.js';

describe('statementLabel', () => {
  it('names a statement by its verb and first table, never by its values', () => {
    expect(statementLabel('SELECT seq FROM board_streams WHERE board_id = $1 FOR UPDATE')).toBe('select board_streams for update');
    expect(statementLabel(`WITH next AS (UPDATE board_streams SET seq = seq + 1 WHERE board_id = $1 RETURNING seq)\n INSERT INTO board_events (board_id) SELECT $1 FROM next`)).toBe('insert board_events');
    expect(statementLabel('INSERT INTO tasks (id, title) VALUES ($1, $2)')).toBe('insert tasks');
    expect(statementLabel(`WITH k AS (INSERT INTO idempotency_keys (key) SELECT $2 RETURNING 1)\n INSERT INTO board_events (board_id) SELECT $1`)).toBe('insert board_events');
    expect(statementLabel('UPDATE   users SET password_hash = $2 WHERE id = $1')).toBe('update users');
    expect(statementLabel('DELETE FROM board_events WHERE occurred_at < now()')).toBe('delete board_events');
    expect(statementLabel('SELECT 1')).toBe('select');
  });

  it('takes the name a leading comment gives', () => {
    expect(statementLabel('/* select board_events */ SELECT s.seq FROM board_streams s LEFT JOIN LATERAL (SELECT seq FROM board_events) e ON true')).toBe('select board_events');
  });
});
