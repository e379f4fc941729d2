import { t } from './i18n/index.ts';

/**
 * Errors that reach users. `message` is English (logs, CLI); `userMessage` is the zh-CN text
 * from the catalogue shown in the console.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly userMessage: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(`${what} not found`, 404, 'not_found', t('error.notFound'));
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(message, 403, 'forbidden', t('error.forbidden'));
  }
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super('not logged in', 401, 'unauthenticated', t('error.unauthenticated'));
  }
}

export class ValidationError extends AppError {
  constructor(message: string, userMessage?: string, details?: unknown) {
    super(message, 400, 'validation', userMessage ?? t('error.validation', { detail: message }), details);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, userMessage?: string) {
    super(message, 409, 'conflict', userMessage ?? t('error.conflict', { detail: message }));
  }
}
