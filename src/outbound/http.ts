import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { guardedConnector } from './connect.ts';
import type { OutboundPolicy } from './policy.ts';

const agents = new WeakMap<OutboundPolicy, Agent>();

/**
 * The undici dispatcher for a policy: every connection it opens is checked on the resolved
 * address (connect.ts). One per policy, so keep-alive connections are shared.
 */
export function outboundDispatcher(policy: OutboundPolicy): Agent {
  let agent = agents.get(policy);
  if (!agent) {
    agent = new Agent({ connect: guardedConnector(policy), keepAliveTimeout: 4000 });
    agents.set(policy, agent);
  }
  return agent;
}

/**
 * fetch() for any HTTP request to an address someone configured: alert robots and webhooks
 * today, and the assist feature's model endpoint (call this, never the global fetch, for it).
 * A refused address rejects with an error whose cause is an OutboundRefusedError
 * (`OutboundRefusedError.from(err)`), before any connection is opened.
 * Redirects are not followed unless `init.redirect` asks; each hop is checked again.
 */
export function outboundFetch(policy: OutboundPolicy, url: string | URL, init: RequestInit = {}): Promise<Response> {
  return undiciFetch(url, { redirect: 'manual', ...init, dispatcher: outboundDispatcher(policy) });
}

/** The name the assist feature's model client uses (same policy, same checks). */
export const fetchModelEndpoint = outboundFetch;
