import { Injectable, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AppError } from './app-error.js';
import { ErrorCode } from './error-codes.js';

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.BoardNotFound]: 'Board not found',
  [ErrorCode.ColumnNotFound]: 'Column not found',
  [ErrorCode.TaskNotFound]: 'Task not found',
  [ErrorCode.MemberNotFound]: 'Member not found',
};

/**
 * Path-id pipe: a value that is not a UUID cannot name anything, so it is a 404 of the given code
 * (not a 400, and never a PostgreSQL cast error turning into a 500).
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly notFound: ErrorCode) {}

  transform(value: string): string {
    if (!isUUID(value, 'all')) throw new AppError(this.notFound, MESSAGES[this.notFound] ?? 'Not found');
    return value.toLowerCase();
  }
}

export const BoardId = new UuidParamPipe(ErrorCode.BoardNotFound);
export const ColumnId = new UuidParamPipe(ErrorCode.ColumnNotFound);
export const TaskId = new UuidParamPipe(ErrorCode.TaskNotFound);
export const MemberId = new UuidParamPipe(ErrorCode.MemberNotFound);
