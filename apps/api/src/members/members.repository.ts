import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';
import { MEMBER_COLUMNS, type MemberRow } from './members.dto.js';

/** SQL for board membership (primary key (board_id, user_id); (user_id, board_id) for "my boards"). */
@Injectable()
export class MembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Members of a board with their user names and emails, in the order they joined. */
  list(boardId: string, manager: EntityManager = this.dataSource.manager): Promise<MemberRow[]> {
    return manager.query(
      `SELECT ${MEMBER_COLUMNS} FROM board_members m JOIN users u ON u.id = m.user_id WHERE m.board_id = $1 ORDER BY m.added_at, m.user_id`,
      [boardId],
    ) as Promise<MemberRow[]>;
  }

  async find(tx: EntityManager, boardId: string, userId: string): Promise<MemberRow | null> {
    const rows = (await tx.query(`SELECT ${MEMBER_COLUMNS} FROM board_members m JOIN users u ON u.id = m.user_id WHERE m.board_id = $1 AND m.user_id = $2`, [
      boardId,
      userId,
    ])) as MemberRow[];
    return rows[0] ?? null;
  }

  async userIdByEmail(tx: EntityManager, email: string): Promise<string | null> {
    const rows = (await tx.query(`SELECT id FROM users WHERE email = $1`, [email])) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  /** Adds the member; false when they already are one. */
  async insert(tx: EntityManager, boardId: string, userId: string, role: BoardRole): Promise<boolean> {
    const rows = (await tx.query(`INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id`, [
      boardId,
      userId,
      role,
    ])) as unknown[];
    return rows.length > 0;
  }

  async updateRole(tx: EntityManager, boardId: string, userId: string, role: BoardRole): Promise<void> {
    await tx.query(`UPDATE board_members SET role = $3 WHERE board_id = $1 AND user_id = $2`, [boardId, userId, role]);
  }

  async delete(tx: EntityManager, boardId: string, userId: string): Promise<void> {
    await tx.query(`DELETE FROM board_members WHERE board_id = $1 AND user_id = $2`, [boardId, userId]);
  }

  /** Whether the board has an owner other than `exceptUserId`. */
  async hasOtherOwner(tx: EntityManager, boardId: string, exceptUserId: string): Promise<boolean> {
    const rows = (await tx.query(`SELECT 1 FROM board_members WHERE board_id = $1 AND role = 'owner' AND user_id <> $2 LIMIT 1`, [boardId, exceptUserId])) as unknown[];
    return rows.length > 0;
  }
}
