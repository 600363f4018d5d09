import { Controller, Get, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BoardId } from '../board-access/board-access.errors.js';
import { AppError } from '../errors/app-error.js';
import { validationFailed } from '../errors/common.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { AcceptsMultipart } from '../http/multipart.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors } from '../http/openapi.decorators.js';
import { SetLocation } from '../http/resource-headers.js';
import { BoardFileDto, ExportQueryDto, ImportDto } from './transfer.dto.js';
import { ImportId } from './transfer.errors.js';
import { TransferService } from './transfer.service.js';

/** A safe file name for Content-Disposition: the board id (names may hold anything). */
const fileName = (boardId: string, ext: string): string => `tasklane-board-${boardId}.${ext}`;

/** Export a board as JSON or CSV (streamed); import a Tasklane or Trello JSON file as a new board (a job), and follow it. */
@ApiTags('transfer')
@ApiBearerAuth()
@ApiExtraModels(BoardFileDto)
@Controller()
export class TransferController {
  constructor(private readonly transfer: TransferService) {}

  @Get('boards/:boardId/export')
  @ApiOperation({
    summary: 'Export a board',
    description: '`format=json` (default): the whole board in the versioned Tasklane format, which `POST /boards/import` reads back; `format=csv`: one row per task. Streamed. Any member.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'The file, as an attachment',
    content: { 'application/json': { schema: { $ref: getSchemaPath(BoardFileDto) } }, 'text/csv': { schema: { type: 'string', maxLength: 100_000_000 } } },
  })
  @ApiErrors({ 400: 'VALIDATION_FAILED: format is json or csv', 404: 'BOARD_NOT_FOUND' })
  async export(@Param('boardId', BoardId) boardId: string, @Query() query: ExportQueryDto, @CurrentUser() user: AuthUser): Promise<StreamableFile> {
    if (query.format === 'csv') {
      return new StreamableFile(await this.transfer.exportCsv(boardId, user.id), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${fileName(boardId, 'csv')}"` });
    }
    return new StreamableFile(await this.transfer.exportJson(boardId, user.id), { type: 'application/json; charset=utf-8', disposition: `attachment; filename="${fileName(boardId, 'json')}"` });
  }

  @Post('boards/import')
  @AcceptsMultipart()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import a board',
    description:
      'Upload (multipart, field `file`, at most IMPORT_MAX_BYTES, 50 MiB by default) a Tasklane export or a Trello board export (JSON). It is read and checked now (400 naming each problem by its JSON path), then a job creates the new board, owned by you, in one transaction. Follow it at `Location`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', maxLength: 52428800, description: 'The JSON file' } } } })
  @ApiAcceptedResponse({ type: ImportDto, headers: { Location: { description: 'The import’s status', schema: { type: 'string', maxLength: 100 } } } })
  @SetLocation((i: ImportDto) => apiPath('imports', i.id))
  @ApiErrors({
    400: 'VALIDATION_FAILED: not multipart, no file, not JSON, or not a board export (details name each problem)',
    413: 'PAYLOAD_TOO_LARGE: over IMPORT_MAX_BYTES',
    415: 'UNSUPPORTED_MEDIA_TYPE: a body that is neither multipart/form-data nor JSON',
  })
  async import(@Req() request: FastifyRequest, @CurrentUser() user: AuthUser): Promise<ImportDto> {
    if (!request.isMultipart()) throw validationFailed([{ field: 'file', errors: ['send the file as multipart/form-data, field "file"'] }]);
    let file: Buffer;
    try {
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw validationFailed([{ field: 'file', errors: ['is required (multipart field "file")'] }]);
      file = await part.toBuffer();
    } catch (error) {
      // Errors with a status (over the size limit: 413) and ours pass; what busboy throws on a
      // malformed body (no boundary, a bad part header, a body cut short) is the caller's fault.
      if (error instanceof AppError || typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
      throw validationFailed([{ field: 'file', errors: [`is not a readable multipart/form-data body: ${(error as Error).message}`] }]);
    }
    return this.transfer.startImport(user.id, file);
  }

  @Get('imports/:importId')
  @ApiOperation({ summary: 'An import’s status', description: '`queued`, then `succeeded` with `boardId`, or `failed` with `error`. Only its importer sees it.' })
  @ApiOkResponse({ type: ImportDto })
  @ApiErrors({ 404: 'IMPORT_NOT_FOUND' })
  status(@Param('importId', ImportId) importId: string, @CurrentUser() user: AuthUser): Promise<ImportDto> {
    return this.transfer.status(user.id, importId);
  }
}
