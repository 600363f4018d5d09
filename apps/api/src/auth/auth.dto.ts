import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import type { AuthResponse } from '@tasklane/contracts';
import { Trim, TrimLowerCase } from '../errors/field-validators.js';
import { UserDto } from '../users/users.dto.js';


/** Body of `POST /auth/register`. The email is trimmed and lower-cased; the password is at least 10 characters. */
export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @TrimLowerCase() @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 10, maxLength: 256 })
  @IsString() @MinLength(10) @MaxLength(256)
  password: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @Trim() @IsString() @MinLength(1) @MaxLength(100)
  name: string;
}

/** Body of `POST /auth/login`. */
export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @TrimLowerCase() @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 256 })
  @IsString() @MinLength(1) @MaxLength(256)
  password: string;
}

/** Body of `POST /auth/refresh`: the single-use refresh token from the last auth response. */
export class RefreshDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  refreshToken: string;
}

/** OpenAPI shape of AuthResponse. */
export class AuthResponseDto implements AuthResponse {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ maxLength: 2048, description: 'JWT, send as `Authorization: Bearer <token>`' }) accessToken: string;
  @ApiProperty({ maxLength: 200, description: 'Opaque, single use: each refresh returns a new one' }) refreshToken: string;
  @ApiProperty({ type: 'integer', description: 'Access token lifetime in seconds' }) expiresIn: number;
}
