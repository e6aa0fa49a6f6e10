/**
 * The HTTP server under each fastify instance: node's own, with the timeouts that keep a slow or
 * silent client from holding a connection (slow-loris), checked every second rather than node's
 * default 30 s, and a cap on open connections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ServerConfig } from '../config/index.js';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export function serverFactoryFor(
  config: ServerConfig,
  maxConnections: number | undefined,
): (handler: RequestHandler) => Server {
  return (handler) => {
    const server = createServer(
      {
        headersTimeout: config.headersTimeout,
        requestTimeout: Math.max(config.requestTimeout, config.headersTimeout),
        keepAliveTimeout: config.keepAliveTimeout,
        connectionsCheckingInterval: 1000,
      },
      handler,
    );
    if (maxConnections !== undefined) server.maxConnections = maxConnections;
    return server;
  };
}

/** `http://host:port` with IPv6 hosts bracketed. */
export function urlOf(address: string, port: number): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}
