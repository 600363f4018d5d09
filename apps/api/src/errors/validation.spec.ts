import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsString, MinLength, ValidateNested, validateSync } from 'class-validator';
import { AppError } from './app-error.js';
import { createValidationPipe, toFieldErrors } from './validation.js';

class Address {
  @IsString() @MinLength(2)
  city: string;

  @IsInt()
  zip: number;
}

class Item {
  @IsString()
  name: string;
}

class Order {
  @IsString()
  title: string;

  @ValidateNested() @Type(() => Address)
  address: Address;

  @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => Item)
  items: Item[];
}

const error = (property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError => ({ property, constraints, children });

describe('toFieldErrors', () => {
  it('returns one entry per field with its messages', () => {
    expect(toFieldErrors([error('name', { isString: 'name must be a string', minLength: 'name is too short' }), error('age', { isInt: 'age must be an integer' })])).toEqual([
      { field: 'name', errors: ['name must be a string', 'name is too short'] },
      { field: 'age', errors: ['age must be an integer'] },
    ]);
  });

  it('joins nested properties with dots, at any depth', () => {
    const tree = [error('a', undefined, [error('b', undefined, [error('c', { x: 'c is bad' })]), error('d', { y: 'd is bad' })])];
    expect(toFieldErrors(tree)).toEqual([
      { field: 'a.b.c', errors: ['c is bad'] },
      { field: 'a.d', errors: ['d is bad'] },
    ]);
  });

  it('keeps a parent that has its own constraints as well as its children', () => {
    const tree = [error('items', { arrayMaxSize: 'too many items' }, [error('0', undefined, [error('name', { isString: 'name must be a string' })])])];
    expect(toFieldErrors(tree)).toEqual([
      { field: 'items', errors: ['too many items'] },
      { field: 'items.0.name', errors: ['name must be a string'] },
    ]);
  });

  it('returns nothing for no errors, and skips nodes without constraints or children', () => {
    expect(toFieldErrors([])).toEqual([]);
    expect(toFieldErrors([error('empty')])).toEqual([]);
  });

  it('names nested and array fields from real class-validator errors', () => {
    const order = Object.assign(new Order(), {
      title: 7,
      address: Object.assign(new Address(), { city: 'X', zip: 'nope' }),
      items: [Object.assign(new Item(), { name: 'ok' }), Object.assign(new Item(), { name: 5 })],
    });
    const fields = toFieldErrors(validateSync(order)).map((e) => e.field);
    expect(fields.sort()).toEqual(['address.city', 'address.zip', 'items.1.name', 'title']);
  });
});

describe('createValidationPipe', () => {
  it('throws AppError VALIDATION_FAILED whose details list nested and unknown fields', async () => {
    const pipe = createValidationPipe();
    let thrown: unknown;
    try {
      await pipe.transform(
        { title: 'ok', address: { city: 'Paris', zip: 'x', floor: 3 }, items: [{ name: 'a' }, {}], extra: true },
        { type: 'body', metatype: Order },
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const appError = thrown as AppError;
    expect(appError.code).toBe('VALIDATION_FAILED');
    const details = appError.details as { field: string; errors: string[] }[];
    expect(details.map((d) => d.field).sort()).toEqual(['address.floor', 'address.zip', 'extra', 'items.1.name']);
    expect(appError.message).toMatch(/^Invalid request: /);
    for (const d of details) expect(appError.message).toContain(d.field);
  });

  it('passes a valid body through as an instance of the DTO', async () => {
    const pipe = createValidationPipe();
    const value = await pipe.transform({ title: 'ok', address: { city: 'Paris', zip: 75001 }, items: [] }, { type: 'body', metatype: Order });
    expect(value).toBeInstanceOf(Order);
    expect(value.address).toBeInstanceOf(Address);
  });
});
