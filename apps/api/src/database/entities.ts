import { BoardEvent } from '../events/board-event.entity.js';
import { Board } from '../boards/board.entity.js';
import { BoardColumn } from '../columns/board-column.entity.js';
import { BoardMember } from '../members/board-member.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { Task } from '../tasks/task.entity.js';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed explicitly (globs do not work reliably under ESM). */
export const ENTITIES = [User, RefreshToken, Board, BoardMember, BoardColumn, Task, BoardEvent, IdempotencyKey];
