import { describe, expect, it, jest } from '@jest/globals';
import { AuditLog, emailHash } from './audit-log.service.js';

const capture = (audit: AuditLog) => {
  const lines: object[] = [];
  jest.spyOn((audit as unknown as { logger: { log: (m: object) => void } }).logger, 'log').mockImplementation((m) => void lines.push(m));
  return lines;
};

describe('AuditLog', () => {
  it('writes one JSON line with the fixed keys first, the request origin, then the fields', () => {
    const audit = new AuditLog();
    const lines = capture(audit);
    audit.record('api_token.created', 'u1', { ip: '10.0.0.7', requestId: 'req-1' }, { tokenId: 't1', scopes: ['boards:read'] });
    expect(lines).toHaveLength(1);
    // An object, not a JSON string: pino writes its fields as the line's own (one line per event).
    expect(typeof lines[0]).toBe('object');
    expect(lines[0]).toEqual({ audit: true, event: 'api_token.created', userId: 'u1', ip: '10.0.0.7', requestId: 'req-1', tokenId: 't1', scopes: ['boards:read'] });
    expect(Object.keys(lines[0])).toEqual(['audit', 'event', 'userId', 'ip', 'requestId', 'tokenId', 'scopes']);
  });

  it('writes null ip and requestId outside a request, and never lets a field override a fixed key', () => {
    const audit = new AuditLog();
    const lines = capture(audit);
    audit.record('login.failed', null, null, { event: 'forged', audit: false, userId: 'x', reason: 'r' } as never);
    expect(lines[0]).toEqual({ audit: true, event: 'login.failed', userId: null, ip: null, requestId: null, reason: 'r' });
  });

  it('never throws, even when the logger does', () => {
    const audit = new AuditLog();
    jest.spyOn((audit as unknown as { logger: { log: () => void } }).logger, 'log').mockImplementation(() => {
      throw new Error('stream closed');
    });
    expect(() => audit.record('session.logged_out', 'u1', null)).not.toThrow();
  });

  it('hashes emails case-insensitively into 16 hex digits that do not contain the address', () => {
    expect(emailHash('Ada@Example.com')).toBe(emailHash('ada@example.com'));
    expect(emailHash('ada@example.com')).toMatch(/^[0-9a-f]{16}$/);
    expect(emailHash('ada@example.com')).not.toBe(emailHash('bob@example.com'));
  });
});
