import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit-log.service.js';

/** Security audit lines (AuditLog). Global: auth, members and others record without importing a feature module. */
@Global()
@Module({ providers: [AuditLog], exports: [AuditLog] })
export class AuditModule {}
