import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain);
}

/** How many passwords this process has checked (read by tests of the login limits). */
export const passwordChecks = { count: 0 };

export async function verifyPassword(stored: string, plain: string): Promise<boolean> {
  passwordChecks.count++;
  try {
    return await verify(stored, plain);
  } catch {
    return false;
  }
}

/** A readable random password (no 0/O/1/l) for first start and resets. */
export function generatePassword(length = 14): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}
