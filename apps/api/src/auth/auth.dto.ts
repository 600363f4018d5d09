import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { AuthResponse, SessionMode } from '@tasklane/contracts';
import { Trim, TrimLowerCase } from '../errors/field-validators.js';
import { UserDto } from '../users/users.dto.js';

const SESSION_MODES: SessionMode[] = ['body', 'cookie'];
const SESSION_DESCRIPTION =
  '`cookie`: the refresh token is set as the HttpOnly cookie `tasklane_refresh` (SameSite=Strict, Path=/api/v1/auth) and left out of the body; for browsers. Default `body`.';

/** Body of `POST /auth/register`. The email is trimmed and lower-cased; the password is 10–256 characters and must not be easy to guess. */
export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @TrimLowerCase() @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 10, maxLength: 256, description: 'Refused when easy to guess (zxcvbn score below 3, counting the email and name as known words)' })
  @IsString() @MinLength(10) @MaxLength(256)
  password: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @Trim() @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ enum: SESSION_MODES, description: SESSION_DESCRIPTION })
  @IsOptional() @IsIn(SESSION_MODES)
  session?: SessionMode;
}

/** Body of `POST /auth/login`. */
export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @TrimLowerCase() @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 256 })
  @IsString() @MinLength(1) @MaxLength(256)
  password: string;

  @ApiPropertyOptional({ enum: SESSION_MODES, description: SESSION_DESCRIPTION })
  @IsOptional() @IsIn(SESSION_MODES)
  session?: SessionMode;
}

/** Body of `POST /auth/refresh` and `/auth/logout`: the refresh token, or `{}` to use the `tasklane_refresh` cookie. */
export class RefreshDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'The refresh token from the last auth response; omit it (send `{}`) in a cookie session' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  refreshToken?: string;
}

/** Body of `POST /auth/change-password`. */
export class ChangePasswordDto {
  @ApiProperty({ maxLength: 256 })
  @IsString() @MinLength(1) @MaxLength(256)
  currentPassword: string;

  @ApiProperty({ minLength: 10, maxLength: 256, description: 'Same rules as at registration' })
  @IsString() @MinLength(10) @MaxLength(256)
  newPassword: string;
}

/** OpenAPI shape of AuthResponse. */
export class AuthResponseDto implements AuthResponse {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ maxLength: 2048, description: 'JWT, send as `Authorization: Bearer <token>`; keep it in memory only' }) accessToken: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'Opaque, single use: each refresh returns a new one. Absent in cookie sessions (it is in the `tasklane_refresh` cookie)' })
  refreshToken?: string;
  @ApiProperty({ type: 'integer', description: 'Access token lifetime in seconds' }) expiresIn: number;
}
