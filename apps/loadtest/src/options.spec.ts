import { describe, expect, it } from '@jest/globals';
import { DEFAULTS, isLoopbackHost, OptionsError, parseMix, parseOptions, parseSourceIps, parseTarget, type LoadTestOptions } from './options.js';

const parse = (...args: string[]) => parseOptions(args) as LoadTestOptions;
const T = ['--target', 'http://127.0.0.1:8080'];

describe('parseOptions', () => {
  it('applies the defaults with one target', () => {
    expect(parse(...T)).toEqual({
      targets: ['http://127.0.0.1:8080'],
      users: DEFAULTS.users,
      boards: DEFAULTS.boards,
      sockets: DEFAULTS.sockets,
      rate: DEFAULTS.rate,
      concurrency: DEFAULTS.concurrency,
      durationS: DEFAULTS.durationS,
      warmupS: DEFAULTS.warmupS,
      mix: { create: 40, update: 30, move: 20, delete: 10 },
      sourceIps: [],
      json: undefined,
      quiet: false,
    });
  });

  it('reads every option, repeats --target and drops duplicate targets', () => {
    const o = parse(
      '--target', 'http://127.0.0.1:3001/',
      '--target', 'http://localhost:3002',
      '--target', 'http://127.0.0.1:3001',
      '--users', '20', '--boards', '5', '--sockets', '2000', '--rate', '250.5', '--duration', '30', '--warmup', '0',
      '--mix', 'create=1,move=3', '--source-ips', '127.0.0.2-127.0.0.4', '--json', 'out.json', '--quiet',
    );
    expect(o.targets).toEqual(['http://127.0.0.1:3001', 'http://localhost:3002']);
    expect(o).toMatchObject({ users: 20, boards: 5, sockets: 2000, rate: 250.5, durationS: 30, warmupS: 0, json: 'out.json', quiet: true });
    expect(o.mix).toEqual({ create: 1, update: 0, move: 3, delete: 0 });
    expect(o.sourceIps).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  });

  it('takes --rate max with --concurrency (closed loop)', () => {
    expect(parse(...T, '--rate', 'max', '--concurrency', '64')).toMatchObject({ rate: 'max', concurrency: 64 });
  });

  it('returns help for -h and --help', () => {
    expect(parseOptions(['-h'])).toBe('help');
    expect(parseOptions(['--help', ...T])).toBe('help');
  });

  it.each([
    [[], /at least one --target/],
    [[...T, '--bogus'], /Unknown option '--bogus'/],
    [[...T, 'stray'], /positional/i],
    [[...T, '--users', '0'], /--users must be between 1 and/],
    [[...T, '--users', '2.5'], /--users must be a whole number/],
    [[...T, '--sockets=-1'], /--sockets must be a whole number/],
    [[...T, '--rate', '0'], /--rate must be writes per second/],
    [[...T, '--rate', 'fast'], /--rate must be writes per second/],
    [[...T, '--concurrency', '8'], /--concurrency applies only to the closed loop/],
    [[...T, '--duration', '0'], /--duration must be between 0.1 and 3600/],
    [[...T, '--duration', 'ten'], /--duration must be a number of seconds/],
    [[...T, '--warmup=-1'], /--warmup must be between 0 and 3600/],
    [[...T, '--json', ' '], /--json needs a file name/],
    [['--target', 'http://[::1]:8080', '--source-ips', '127.0.0.2'], /cannot reach an \[::1\] target/],
  ])('refuses %j', (args, message) => {
    expect(() => parseOptions(args as string[])).toThrow(OptionsError);
    expect(() => parseOptions(args as string[])).toThrow(message);
  });
});

describe('parseTarget: loopback only', () => {
  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.255.3.4:1/', 'http://127.255.3.4:1'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://LOCALHOST:3000', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    // WHATWG URL normalises these IPv4 spellings to 127.0.0.1 before the check.
    ['http://127.1:80', 'http://127.0.0.1'],
    ['http://2130706433:80', 'http://127.0.0.1'],
    ['https://127.0.0.1:8443', 'https://127.0.0.1:8443'],
  ])('accepts %s', (raw, origin) => {
    expect(parseTarget(raw)).toBe(origin);
  });

  it.each([
    ['http://10.0.0.1:80', /non-loopback host "10.0.0.1"/],
    ['http://192.168.1.10', /non-loopback/],
    ['http://example.com', /non-loopback host "example.com"/],
    ['http://localhost.example.com', /non-loopback/],
    ['http://127.0.0.1.nip.io', /non-loopback/],
    ['http://[::2]:80', /non-loopback/],
    ['http://[::ffff:10.0.0.1]:80', /non-loopback/],
    ['http://0.0.0.0:80', /non-loopback/],
    ['ftp://127.0.0.1', /only http/],
    ['127.0.0.1:8080', /only http|not a URL/],
    ['not a url', /not a URL/],
    ['http://127.0.0.1:8080/api/v1', /without a path/],
    ['http://127.0.0.1:8080/?x=1', /without a path/],
    ['http://u:p@127.0.0.1:8080', /credentials/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseTarget(raw)).toThrow(message);
  });

  it('isLoopbackHost checks the whole 127.0.0.0/8 and nothing else', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.200.0.9')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil')).toBe(false);
  });
});

describe('parseMix', () => {
  it('parses weights, with spaces and decimals; missing ops weigh 0', () => {
    expect(parseMix('create=40, update=30,move=20,delete=10')).toEqual({ create: 40, update: 30, move: 20, delete: 10 });
    expect(parseMix('update=0.5')).toEqual({ create: 0, update: 0.5, move: 0, delete: 0 });
  });

  it.each([
    ['create=40,rename=10', /unknown op "rename"/],
    ['create=40,create=10', /create given twice/],
    ['create', /not op=weight/],
    ['create=-1', /not op=weight/],
    ['create=0,update=0', /at least one op needs a positive weight/],
    ['', /at least one op/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseMix(raw)).toThrow(message);
  });
});

describe('parseSourceIps', () => {
  it('expands ranges and lists in order, without repeats', () => {
    expect(parseSourceIps('127.0.0.2-127.0.0.4,127.0.0.3,127.0.1.1')).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.1.1']);
    expect(parseSourceIps('127.0.0.254-127.0.1.1')).toEqual(['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1']);
    expect(parseSourceIps('127.0.0.2-127.0.0.20')).toHaveLength(19);
  });

  it.each([
    ['10.0.0.2-10.0.0.3', /outside 127.0.0.0\/8/],
    ['127.0.0.2-128.0.0.1', /outside 127.0.0.0\/8/],
    ['127.0.0.9-127.0.0.2', /ends before it starts/],
    ['127.0.0.2-127.0.0.3-127.0.0.4', /not an IPv4 address or range/],
    ['::1', /not an IPv4 address or range/],
    ['127.0.0.300', /not an IPv4 address or range/],
    ['127.0.0.0-127.255.255.255', /more than 65536 addresses/],
    [',', /no address given/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseSourceIps(raw)).toThrow(message);
  });
});
