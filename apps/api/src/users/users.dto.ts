import { ApiProperty } from '@nestjs/swagger';
import type { UserView } from '@tasklane/contracts';

/** OpenAPI shape of UserView. */
export class UserDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ maxLength: 100 }) name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
