// The CollaborationContent migration on data written with the previous schema: free-text task
// labels become board labels (one per distinct name per board, ignoring case; palette colors in a
// fixed order) and tasks refer to them by id; the old column stays for the previous release's
// replicas during a rollout; `down` gives the names back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createScratchDatabase, type ScratchDatabase } from '@tasklane/cluster';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { CollaborationContent1796056647502, LABEL_PALETTE } from '../src/database/migrations/1796056647502-CollaborationContent.js';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('migration CollaborationContent: free-text labels → board labels', () => {
  let db: ScratchDatabase;
  const upTo = MIGRATIONS.indexOf(CollaborationContent1796056647502);
  const source = (migrations: Function[]) => new DataSource({ type: 'postgres', url: db.url, migrations, migrationsTransactionMode: 'each', logging: false });

  beforeAll(async () => {
    db = await createScratchDatabase(ADMIN_URL, { prefix: 'tasklane_labels_migration', migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('makes one label per distinct name per board with palette colors, keeps each task’s order, and reverts', async () => {
    expect(upTo).toBeGreaterThan(0);
    const before = source(MIGRATIONS.slice(0, upTo));
    await before.initialize();
    await before.runMigrations();
    const [user, boardA, boardB, col] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const colB = randomUUID();
    await before.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, 'm@example.test', 'M', 'x')`, [user]);
    for (const [board, column] of [[boardA, col], [boardB, colB]]) {
      await before.query(`INSERT INTO boards (id, name, created_by) VALUES ($1, 'B', $2)`, [board, user]);
      await before.query(`INSERT INTO columns (id, board_id, name, position) VALUES ($1, $2, 'C', 'a0')`, [column, board]);
    }
    const tasks: [string, string, string, string[]][] = [
      [randomUUID(), boardA, col, ['urgent', 'Bug', 'p1']],
      [randomUUID(), boardA, col, ['bug', 'zeta']],
      [randomUUID(), boardA, col, []],
      [randomUUID(), boardB, colB, ['urgent', 'URGENT']],
    ];
    for (const [id, board, column, labels] of tasks) {
      await before.query(`INSERT INTO tasks (id, board_id, column_id, title, position, labels, created_by, updated_by) VALUES ($1, $2, $3, 'T', $4, $5::text[], $6, $6)`, [
        id,
        board,
        column,
        `a${tasks.findIndex((t) => t[0] === id)}`,
        labels,
        user,
      ]);
    }
    await before.destroy();

    const after = source(MIGRATIONS.slice(0, upTo + 1));
    await after.initialize();
    await after.runMigrations();
    const labels = (await after.query(`SELECT id, board_id, name, color FROM board_labels ORDER BY board_id, lower(name)`)) as { id: string; board_id: string; name: string; color: string }[];
    const ofA = labels.filter((l) => l.board_id === boardA);
    // Distinct ignoring case; the byte-smallest spelling wins ('Bug' < 'bug'); colors by name order.
    expect(ofA.map((l) => [l.name, l.color])).toEqual([
      ['Bug', LABEL_PALETTE[0]],
      ['p1', LABEL_PALETTE[1]],
      ['urgent', LABEL_PALETTE[2]],
      ['zeta', LABEL_PALETTE[3]],
    ]);
    expect(labels.filter((l) => l.board_id === boardB).map((l) => [l.name, l.color])).toEqual([['URGENT', LABEL_PALETTE[0]]]);
    const id = (board: string, name: string) => labels.find((l) => l.board_id === board && l.name.toLowerCase() === name)?.id;
    const rows = (await after.query(`SELECT id, label_ids FROM tasks`)) as { id: string; label_ids: string[] }[];
    const labelIdsOf = (taskId: string) => rows.find((r) => r.id === taskId)?.label_ids;
    expect(labelIdsOf(tasks[0][0])).toEqual([id(boardA, 'urgent'), id(boardA, 'bug'), id(boardA, 'p1')]);
    expect(labelIdsOf(tasks[1][0])).toEqual([id(boardA, 'bug'), id(boardA, 'zeta')]);
    expect(labelIdsOf(tasks[2][0])).toEqual([]);
    expect(labelIdsOf(tasks[3][0])).toEqual([id(boardB, 'urgent')]);
    const [counters] = (await after.query(`SELECT comment_count, checklist_done, checklist_total, archived_at FROM tasks LIMIT 1`)) as Record<string, unknown>[];
    expect(counters).toEqual({ comment_count: 0, checklist_done: 0, checklist_total: 0, archived_at: null });
    // The previous release's replicas still read and write `labels` during the rollout: it stays, untouched.
    const kept = (await after.query(`SELECT id, labels FROM tasks`)) as { id: string; labels: string[] }[];
    expect(kept.find((r) => r.id === tasks[0][0])?.labels).toEqual(['urgent', 'Bug', 'p1']);
    await after.query(`INSERT INTO tasks (id, board_id, column_id, title, position, labels, created_by, updated_by) VALUES ($1, $2, $3, 'Old replica', 'z0', '{x}', $4, $4)`, [
      randomUUID(),
      boardA,
      col,
      user,
    ]);

    await after.undoLastMigration();
    const reverted = (await after.query(`SELECT id, labels FROM tasks`)) as { id: string; labels: string[] }[];
    expect(reverted.find((r) => r.id === tasks[0][0])?.labels).toEqual(['urgent', 'Bug', 'p1']);
    expect(reverted.find((r) => r.id === tasks[1][0])?.labels).toEqual(['Bug', 'zeta']);
    expect(reverted.find((r) => r.id === tasks[2][0])?.labels).toEqual([]);
    expect(reverted.find((r) => r.id === tasks[3][0])?.labels).toEqual(['URGENT']);
    await after.destroy();
  }, 60_000);
});
