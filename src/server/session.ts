import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.ts';
import type { SessionInfo } from '../auth/sessions.ts';
import { UnauthenticatedError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | null;
  }
  interface FastifyContextConfig {
    /** Set false on routes that authenticate another way (login, push ingest with a token). */
    csrf?: boolean;
    /** Accept a JSON body with invalid UTF-8, bad sequences marked for the handler to refuse per record (push ingest). */
    lenientUtf8?: boolean;
  }
}

/** The logged-in actor of this request, or a 401. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.session) throw new UnauthenticatedError();
  return request.session.actor;
}

export function clientIp(request: FastifyRequest): string {
  return request.ip ?? 'unknown';
}

export type { FastifyReply };
