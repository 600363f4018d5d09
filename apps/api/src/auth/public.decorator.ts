import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tasklane:public';

/** Marks a route as reachable without an access token (register, login, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
