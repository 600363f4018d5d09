import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsUUID, ValidateIf, ValidateNested } from 'class-validator';
import { NOTIFICATION_KINDS, type NotificationKind } from '@tasklane/contracts';

/** Per kind: true = send me an email. A kind may be left out (unchanged), not null (a 400: null is neither setting). */
export class EmailKindsDto {
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() assigned?: boolean;
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() mentioned?: boolean;
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() commented?: boolean;
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() invited?: boolean;
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() due_soon?: boolean;
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() overdue?: boolean;
  @ApiPropertyOptional() @ValidateIf((_, v) => v !== undefined) @IsBoolean() webhook_disabled?: boolean;
}

/** `GET|PATCH /users/me/preferences`. */
export class PreferencesDto {
  @ApiProperty({ type: EmailKindsDto, description: 'Which notifications come by email (all true until changed). Emails are sent only when the server has SMTP_URL.' })
  emails: Record<NotificationKind, boolean>;
}

/** Body of `PATCH /users/me/preferences`: kinds absent are unchanged. */
export class UpdatePreferencesDto {
  @ApiProperty({ type: EmailKindsDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => EmailKindsDto)
  emails: EmailKindsDto;
}

/** Query of the unsubscribe link. */
export class UnsubscribeQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The secret of the link (the user’s unsubscribe id)' })
  @IsUUID('all')
  id: string;

  @ApiPropertyOptional({ enum: [...NOTIFICATION_KINDS, 'all'], default: 'all' })
  @IsOptional() @IsIn([...NOTIFICATION_KINDS, 'all'])
  kind?: NotificationKind | 'all';
}

/** Answer of the unsubscribe link. */
export class UnsubscribedDto {
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 30 }, maxItems: 20, description: 'The kinds now muted by this link' }) muted: string[];
}
