// Jest setup file (both projects): publishes this test file's instances of the ESM-only Nest
// packages for @nestjs/throttler's CommonJS build (see nest-esm-for-cjs.transform.mjs).
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

const modules: Record<string, unknown> = { '@nestjs/common': common, '@nestjs/core': core };

(globalThis as Record<symbol, unknown>)[Symbol.for('tasklane.jest.nest-esm')] = (id: string): unknown => {
  if (!(id in modules)) throw new Error(`nest-esm-for-cjs: ${id} is not published (add it to nest-esm-for-cjs.setup.ts)`);
  return modules[id];
};
