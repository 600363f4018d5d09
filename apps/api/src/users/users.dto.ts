import { ApiProperty } from '@nestjs/swagger';
import type { UserView } from '@tasklane/contracts';
import type { User } from './user.entity.js';

/** OpenAPI shape of UserView. */
export class UserDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Entity → wire shape (never exposes the password hash). */
export const toUserView = (u: User): UserView => ({ id: u.id, email: u.email, name: u.name, createdAt: u.createdAt.toISOString() });
