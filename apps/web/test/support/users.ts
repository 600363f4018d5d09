// Test users for the browser suites: registered over REST (unique emails), each with its own client.
import { randomBytes } from 'node:crypto';
import { TasklaneRestClient } from '@tasklane/client';

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  name: string;
  email: string;
  /** Signed in as this user. */
  rest: TasklaneRestClient;
}

/** Registers `name` with a fresh `<name>-<hex>@example.com` at `origin`. @throws TasklaneHttpError */
export async function registerUser(origin: string, name: string): Promise<TestUser> {
  const rest = new TasklaneRestClient(origin);
  const email = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}@example.com`;
  const auth = await rest.register(email, PASSWORD, name);
  return { id: auth.user.id, name, email, rest };
}
