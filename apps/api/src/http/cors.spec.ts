import { describe, expect, it } from '@jest/globals';
import { isListedOrigin, isSameOrigin, mayOpenSocket } from './cors.js';

describe('origin checks', () => {
  it('matches listed origins exactly, case-insensitively', () => {
    expect(isListedOrigin('https://App.Example.com', ['https://app.example.com'])).toBe(true);
    expect(isListedOrigin('https://app.example.com:8443', ['https://app.example.com'])).toBe(false);
    expect(isListedOrigin('http://app.example.com', ['https://app.example.com'])).toBe(false);
    expect(isListedOrigin('https://app.example.com', [])).toBe(false);
  });

  it('treats the page’s own host as same origin, by host and port, or by name when a proxy dropped the port', () => {
    expect(isSameOrigin('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:8081', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('https://tasks.example.com', 'tasks.example.com')).toBe(true);
    expect(isSameOrigin('http://localhost:8080', 'localhost')).toBe(true);
    expect(isSameOrigin('https://evil.example.com', 'tasks.example.com')).toBe(false);
    expect(isSameOrigin('null', 'tasks.example.com')).toBe(false);
    expect(isSameOrigin('https://tasks.example.com', undefined)).toBe(false);
  });

  it('lets a socket open without an Origin, from the same origin or a listed one only', () => {
    expect(mayOpenSocket(undefined, 'api:3000', [])).toBe(true);
    expect(mayOpenSocket('http://api:3000', 'api:3000', [])).toBe(true);
    expect(mayOpenSocket('https://app.example.com', 'api:3000', ['https://app.example.com'])).toBe(true);
    expect(mayOpenSocket('https://evil.example.com', 'api:3000', ['https://app.example.com'])).toBe(false);
  });
});
